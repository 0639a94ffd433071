// Half-open server connections: accepted after their Initial decrypted, handshake not
// complete yet. A spoofed source never completes, so these are what a flood fills.
// They are capped per endpoint and per path (a source address and port), kept in age
// order so that, when the endpoint's cap is reached, the oldest half-open connection
// is evicted for the new one — never an established one (issue 17; RFC 9000 §21.1.1.1
// leaves the policy to the server). Before a slot is taken, retry.ts answers with a
// stateless Retry once half the table is full or the path has its share (§8.1.2).

export class HalfOpenList {
  private prev: StaticArray<i32> = new StaticArray<i32>(0);
  private next: StaticArray<i32> = new StaticArray<i32>(0);
  private member: StaticArray<u8> = new StaticArray<u8>(0);
  private head: i32 = 0; // oldest, 0 = none
  private tail: i32 = 0;
  count: i32 = 0;
  private perPath: Map<i32, i32> = new Map<i32, i32>();

  reserve(maxHandle: i32): void {
    const n = this.member.length;
    if (maxHandle < n) return;
    let cap = n < 64 ? 64 : n;
    while (cap <= maxHandle) cap <<= 1;
    const prev = new StaticArray<i32>(cap), next = new StaticArray<i32>(cap), member = new StaticArray<u8>(cap);
    for (let i = 0; i < n; i++) { unchecked(prev[i] = this.prev[i]); unchecked(next[i] = this.next[i]); unchecked(member[i] = this.member[i]); }
    this.prev = prev; this.next = next; this.member = member;
  }

  /** Half-open connections on `path`. */
  onPath(path: i32): i32 {
    return this.perPath.has(path) ? this.perPath.get(path) : 0;
  }

  /** The oldest half-open connection, 0 when none. */
  get oldest(): i32 { return this.head; }

  has(h: i32): bool { return h < this.member.length && unchecked(this.member[h]) != 0; }

  add(h: i32, path: i32): void {
    if (this.has(h)) return;
    unchecked(this.member[h] = 1);
    unchecked(this.prev[h] = this.tail);
    unchecked(this.next[h] = 0);
    if (this.tail != 0) unchecked(this.next[this.tail] = h); else this.head = h;
    this.tail = h;
    this.count++;
    this.perPath.set(path, this.onPath(path) + 1);
  }

  remove(h: i32, path: i32): void {
    if (!this.has(h)) return;
    unchecked(this.member[h] = 0);
    const p = unchecked(this.prev[h]), n = unchecked(this.next[h]);
    if (p != 0) unchecked(this.next[p] = n); else this.head = n;
    if (n != 0) unchecked(this.prev[n] = p); else this.tail = p;
    this.count--;
    const left = this.onPath(path) - 1;
    if (left > 0) this.perPath.set(path, left); else this.perPath.delete(path);
  }
}
