// The send-buffer pool (host/net/send-pool.ts): outgoing datagrams are copied into pooled
// buffers that come back once their send completed, and what arrives is exactly what was
// sent even though the caller reuses its buffer at once and pooled buffers are reused.
import { createHash } from 'node:crypto';
import { SendBufferPool } from '../../host/net/send-pool';
import { UdpNetwork } from '../../host/net/udp';

describe('SendBufferPool', () => {
  test('a copy is exact and independent of the source; a released buffer is reused for the next copy of its size class', () => {
    const pool = new SendBufferPool();
    const src = new Uint8Array(1200).map((_, i) => i & 0xff);
    const a = pool.copy(src);
    src.fill(0);
    expect(a.length).toBe(1200);
    expect(a[1]).toBe(1);
    expect(a[255]).toBe(255);
    pool.release(a);
    const b = pool.copy(new Uint8Array(1500).fill(7));
    expect(b.buffer).toBe(a.buffer);
    expect(b.length).toBe(1500);
    const big = pool.copy(new Uint8Array(65_507));
    expect(big.buffer).not.toBe(a.buffer);
    expect(big.buffer.byteLength).toBe(65_536);
    expect(pool.stats).toEqual({ copies: 3, reused: 1 });
  });

  test('only its own whole buffers come back, and at most 2 MiB of them wait', () => {
    const pool = new SendBufferPool();
    pool.release(new Uint8Array(new ArrayBuffer(4096), 16, 100)); // a view into someone else's buffer
    pool.release(new Uint8Array(3000)); // not a size class
    expect(pool.copy(new Uint8Array(100)).byteOffset).toBe(0);
    expect(pool.stats.reused).toBe(0);
    const copies = Array.from({ length: 40 }, () => pool.copy(new Uint8Array(65_000)));
    for (const c of copies) pool.release(c);
    const again = Array.from({ length: 40 }, () => pool.copy(new Uint8Array(65_000)));
    expect(pool.stats.reused).toBe(32); // 32 × 64 KiB = 2 MiB
    expect(new Set(again.map((c) => c.buffer)).size).toBe(40);
  });
});

test('UdpNetwork: 600 datagrams of mixed sizes, the source overwritten after each send(), arrive byte-exact through recycled buffers', async () => {
  const a = await UdpNetwork.bind({ address: '127.0.0.1' });
  const b = await UdpNetwork.bind({ address: '127.0.0.1' });
  try {
    const sent = new Map<number, string>();
    const got = new Map<number, string>();
    const all = new Promise<void>((resolve) => b.onReceive((d) => {
      got.set(new DataView(d.buffer, d.byteOffset).getUint32(0), createHash('sha256').update(d).digest('hex'));
      if (got.size === 600) resolve();
    }));
    const path = a.pathTo(b.local);
    const buf = new Uint8Array(20_000);
    for (let i = 0; i < 600; i++) {
      const n = [1200, 1500, 4000, 20_000][i % 4];
      for (let j = 0; j < n; j++) buf[j] = (i * 31 + j) & 0xff;
      new DataView(buf.buffer).setUint32(0, i);
      sent.set(i, createHash('sha256').update(buf.subarray(0, n)).digest('hex'));
      a.send(buf.subarray(0, n), path);
      buf.fill(0xee); // the caller's buffer is reused at once
      if (i % 20 === 19) await new Promise((r) => setTimeout(r, 2));
    }
    let timer: ReturnType<typeof setTimeout> | undefined;
    await Promise.race([all, new Promise((r) => { timer = setTimeout(r, 5000); })]);
    clearTimeout(timer);
    expect(got.size).toBe(600);
    for (const [i, h] of got) expect(h).toBe(sent.get(i));
    const stats = (a as unknown as { sendPool: { stats: { copies: number; reused: number } } }).sendPool.stats;
    expect(stats.copies).toBe(600);
    expect(stats.reused).toBeGreaterThan(500); // bursts of 20: only the first burst allocates
  } finally {
    await a.close();
    await b.close();
  }
});
