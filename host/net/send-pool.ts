// Buffers for datagrams on their way out. A socket send completes asynchronously and reads
// the bytes later, so the network copies the core's transmit region (reused at once) —
// into a buffer from this pool rather than a fresh allocation per datagram: at 1200 bytes
// the allocation cost more than the copy, at 64 KB it fed the GC a large ArrayBuffer per
// send. The network gives a buffer back when its send completed. Platform-neutral.

/** Smallest size class: a 1200..1500-byte datagram fits. */
const MIN_CLASS = 2048;
/** At most this many bytes wait in the pool (a burst larger than that allocates). */
const MAX_POOLED_BYTES = 2 * 1024 * 1024;

/** Copies of outgoing datagrams in power-of-two buffers, recycled when their send completed. */
export class SendBufferPool {
  private readonly free = new Map<number, ArrayBuffer[]>();
  private pooledBytes = 0;
  /** Copies made, and how many of them reused a pooled buffer (for tests and benches). */
  readonly stats = { copies: 0, reused: 0 };

  /** A copy of `data` in a pooled (or new) buffer; give it back with release() once sent. */
  copy(data: Uint8Array): Uint8Array {
    const n = data.length;
    let size = MIN_CLASS;
    while (size < n) size *= 2;
    const list = this.free.get(size);
    let ab = list?.pop();
    this.stats.copies++;
    if (ab) { this.pooledBytes -= size; this.stats.reused++; } else ab = new ArrayBuffer(size);
    const out = new Uint8Array(ab, 0, n);
    out.set(data);
    return out;
  }

  /** `copy` (from copy()) was sent and is no longer read: its buffer may be reused. */
  release(copy: Uint8Array): void {
    const ab = copy.buffer as ArrayBuffer;
    const size = ab.byteLength;
    // Only whole buffers of a size class (this pool's own) come back.
    if (copy.byteOffset !== 0 || size < MIN_CLASS || (size & (size - 1)) !== 0) return;
    if (this.pooledBytes + size > MAX_POOLED_BYTES) return;
    let list = this.free.get(size);
    if (!list) { list = []; this.free.set(size, list); }
    list.push(ab);
    this.pooledBytes += size;
  }
}
