import { createHash } from 'node:crypto';
import { DgramPair, LinkImpairments } from '../../host/net/dgram-pair';
import { VirtualClock } from '../../host/net/virtual-clock';
import { Prng } from '../../host/net/prng';

function run(impairments: LinkImpairments, count = 10_000, seed = 1, size = 1200) {
  const clock = new VirtualClock();
  const pair = new DgramPair({ clock, seed, aToB: impairments });
  const received: { at: number; index: number; data: Uint8Array }[] = [];
  pair.b.onReceive((data) => {
    const index = new DataView(data.buffer, data.byteOffset).getUint32(0);
    received.push({ at: clock.now(), index, data });
  });
  const data = new Prng(seed + 1000);
  const sent: Uint8Array[] = [];
  for (let i = 0; i < count; i++) {
    const d = data.fill(new Uint8Array(size));
    new DataView(d.buffer).setUint32(0, i);
    sent.push(d);
    pair.a.send(d, 0);
  }
  expect(clock.runUntil(() => false)).toBe('idle');
  return { clock, pair, received, sent, counters: pair.a.counters };
}

const sha = (parts: Uint8Array[]) => {
  const h = createHash('sha256');
  for (const p of parts) h.update(p);
  return h.digest('hex');
};

describe('DgramPair', () => {
  test('a perfect link delivers every datagram byte-exact and in order', () => {
    const { received, sent, counters } = run({}, 2000);
    expect(received.map((r) => r.index)).toEqual(sent.map((_, i) => i));
    expect(sha(received.map((r) => r.data))).toBe(sha(sent));
    expect(counters.delivered).toBe(2000);
    expect(counters.bytesDelivered).toBe(2000 * 1200);
  });

  test('the sender may reuse its buffer right after send', () => {
    const clock = new VirtualClock();
    const pair = new DgramPair({ clock });
    const got: number[] = [];
    pair.b.onReceive((d) => got.push(d[0]));
    const buf = new Uint8Array([1]);
    pair.a.send(buf, 0);
    buf[0] = 2;
    pair.a.send(buf, 0);
    clock.runUntil(() => false);
    expect(got).toEqual([1, 2]);
  });

  test('loss drops about the configured share, and a seed replays exactly', () => {
    const r1 = run({ loss: 0.1 });
    const r2 = run({ loss: 0.1 });
    expect(r1.counters.droppedLoss).toBeGreaterThan(850);
    expect(r1.counters.droppedLoss).toBeLessThan(1150);
    expect(r1.counters.delivered + r1.counters.droppedLoss).toBe(10_000);
    expect(r1.received.map((r) => r.index)).toEqual(r2.received.map((r) => r.index));
    const r3 = run({ loss: 0.1 }, 10_000, 2);
    expect(r3.received.map((r) => r.index)).not.toEqual(r1.received.map((r) => r.index));
  });

  test('duplication delivers copies', () => {
    const { counters, received } = run({ duplicate: 0.05 });
    expect(counters.duplicated).toBeGreaterThan(400);
    expect(counters.duplicated).toBeLessThan(600);
    expect(received.length).toBe(10_000 + counters.duplicated);
  });

  test('corruption flips bits in about the configured share, and only those', () => {
    const { counters, received, sent } = run({ corrupt: 0.02 }, 5000);
    expect(counters.corrupted).toBeGreaterThan(70);
    expect(counters.corrupted).toBeLessThan(130);
    // The index bytes may be hit too: compare each received datagram with the one it differs least from.
    let differing = 0;
    received.forEach((r, i) => { if (sha([r.data]) !== sha([sent[i]])) differing++; });
    expect(differing).toBe(counters.corrupted);
  });

  test('reordering lets later datagrams overtake', () => {
    const { counters, received } = run({ reorder: 0.05, reorderDelayUs: 3000, bandwidthBps: 100e6, queueBytes: 1e9 }, 5000);
    expect(counters.reordered).toBeGreaterThan(180);
    let inversions = 0;
    for (let i = 1; i < received.length; i++) if (received[i].index < received[i - 1].index) inversions++;
    expect(inversions).toBeGreaterThan(0);
    expect(received.length).toBe(5000);
  });

  test('delay and jitter shift delivery times within bounds', () => {
    const { received } = run({ delayUs: 10_000, jitterUs: 2000 }, 1000);
    for (const r of received) {
      expect(r.at).toBeGreaterThanOrEqual(10_000);
      expect(r.at).toBeLessThan(12_000);
    }
  });

  test('a bandwidth limit spaces datagrams by their serialization time', () => {
    // 1200 bytes at 9.6 Mbit/s = 1000 µs each.
    const { received, counters } = run({ bandwidthBps: 9.6e6, queueBytes: 1e9 }, 100);
    expect(counters.delivered).toBe(100);
    received.forEach((r, i) => expect(r.at).toBeCloseTo((i + 1) * 1000, 6));
  });

  test('a full link queue drops at the tail', () => {
    const { counters, received } = run({ bandwidthBps: 9.6e6, queueBytes: 12_000 }, 100);
    // 10 datagrams fit in the queue (the first is already on the wire).
    expect(counters.droppedQueue).toBeGreaterThan(85);
    expect(received.map((r) => r.index)).toEqual(received.map((_, i) => i));
  });

  test('datagrams above the MTU are dropped', () => {
    const { counters } = run({ mtu: 1000 }, 10);
    expect(counters.droppedMtu).toBe(10);
    expect(counters.delivered).toBe(0);
  });

  test('bad impairment values are rejected with a typed error', () => {
    const clock = new VirtualClock();
    expect(() => new DgramPair({ clock, aToB: { loss: 1.5 } })).toThrow(/loss must be in \[0, 1\]/);
    expect(() => new DgramPair({ clock, bToA: { delayUs: -1 } })).toThrow(/delayUs/);
  });

  test('a closed end receives nothing and counts the drops', () => {
    const clock = new VirtualClock();
    const pair = new DgramPair({ clock });
    let got = 0;
    pair.b.onReceive(() => got++);
    pair.a.send(new Uint8Array(10), 0);
    pair.b.close();
    clock.runUntil(() => false);
    expect(got).toBe(0);
    expect(pair.a.counters.droppedClosed).toBe(1);
  });

  test('batchReceives: the batch ends once, after every datagram due at that instant, and not without one', () => {
    const clock = new VirtualClock();
    const pair = new DgramPair({ clock, batchReceives: true, aToB: { delayUs: 100 } });
    const log: string[] = [];
    let scheduled = false; // as the pump does: the first datagram of a batch asks for its end
    pair.b.onReceive((d) => {
      log.push(`d${d[0]}`);
      if (!scheduled) { scheduled = true; pair.b.afterReceives!(() => { scheduled = false; log.push('end'); }); }
    });
    for (let i = 0; i < 3; i++) pair.a.send(Uint8Array.of(i), 0); // one instant
    clock.advanceBy(50);
    pair.a.send(Uint8Array.of(3), 0); // a later one
    clock.runUntil(() => false);
    expect(log).toEqual(['d0', 'd1', 'd2', 'end', 'd3', 'end']);
    expect(new DgramPair({ clock }).a.afterReceives).toBeUndefined(); // per datagram by default
  });

  test('recycleBuffers: a receiver that copies gets every datagram intact (reordered, duplicated); the buffers are reused', () => {
    const clock = new VirtualClock();
    const pair = new DgramPair({ clock, seed: 3, recycleBuffers: true, aToB: { delayUs: 500, jitterUs: 300, reorder: 0.1, duplicate: 0.05 } });
    const copies = new Map<number, string>();
    let firstView: Uint8Array | null = null;
    let firstSeen = '';
    pair.b.onReceive((d) => {
      if (!firstView) { firstView = d; firstSeen = Buffer.from(d).toString('hex'); }
      copies.set(new DataView(d.buffer, d.byteOffset).getUint32(0), Buffer.from(d).toString('hex'));
    });
    const data = new Prng(77);
    const sent: string[] = [];
    for (let round = 0; round < 50; round++) {
      for (let i = 0; i < 100; i++) {
        const d = data.fill(new Uint8Array(200 + ((round * 37 + i * 11) % 1000)));
        new DataView(d.buffer).setUint32(0, sent.length);
        sent.push(Buffer.from(d).toString('hex'));
        pair.a.send(d, 0);
      }
      clock.advanceBy(2000); // every datagram of the round delivered: its slabs drained
    }
    clock.runUntil(() => false);
    expect(copies.size).toBe(sent.length);
    for (const [i, hex] of copies) expect(hex).toBe(sent[i]);
    // The contract that makes this opt-in: a view kept past the receive call is overwritten.
    expect(Buffer.from(firstView!).toString('hex')).not.toBe(firstSeen);
  });

  test('batchReceives: an upload between two endpoints arrives intact, serviced once per batch', async () => {
    const { memoryTransfer } = await import('../../bench/transport-memory');
    const { nodeCryptoProvider } = await import('../../host/crypto/node-provider');
    const { ConnAbi } = await import('../../host/core/conn-abi');
    const reads = { n: 0, empty: 0 };
    const proto = ConnAbi.prototype as unknown as { streamRead: (...a: unknown[]) => unknown };
    const orig = proto.streamRead;
    proto.streamRead = function (this: unknown, ...a: unknown[]) {
      reads.n++;
      const r = orig.apply(this, a) as { data: Uint8Array; fin: boolean } | number;
      if (typeof r !== 'number' && r.data.length === 0 && !r.fin) reads.empty++;
      return r;
    };
    try {
      const batched = await memoryTransfer(1, nodeCryptoProvider, true, undefined, 'chunks');
      const batchedReads = reads.n;
      reads.n = 0;
      reads.empty = 0;
      const single = await memoryTransfer(1, nodeCryptoProvider, false, undefined, 'chunks');
      expect(batched.ok).toBe(true);
      expect(single.ok).toBe(true);
      // 1 MiB in ~900 packets: read once per packet without batches, once per burst with them.
      expect(reads.n).toBeGreaterThan(800);
      expect(batchedReads).toBeLessThan(reads.n / 4);
      // A read shorter than its room ends the pull: no empty read after each (half of all
      // reads were empty before; what is left comes from events of data already read).
      expect(reads.empty).toBeLessThan(reads.n / 20);
    } finally {
      proto.streamRead = orig;
    }
  }, 60_000);
});
