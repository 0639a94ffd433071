// Send and receive buffers (assembly/conn/sendbuf.ts, recvbuf.ts) and the sent-packet
// rings (assembly/recovery/sent-queue.ts) through the testing build.
import { testingCore } from './probe';

const { x, scratch } = testingCore();
const BASE = 0, END = 1, NEXT = 2, ROOM = 3, PENDING = 5, ALL_ACKED = 6, STORAGE = 7;
const bytes = (n: number, from: number) => Uint8Array.from({ length: n }, (_, i) => (from + i) % 251);

function write(n: number, from: number): number {
  scratch().set(bytes(n, from));
  return x.sbWrite(n);
}

/** The next chunk: [offset, bytes]. */
function next(max: number, limit = 2 ** 50): [number, Uint8Array] {
  const n = x.sbNext(max, limit);
  return [x.sbChunkOffset(), scratch().slice(0, n)];
}

describe('send buffer', () => {
  test('chunks in order within flow control, lost ranges first, acknowledged prefix released', () => {
    x.sbReset(4096);
    expect(write(3000, 0)).toBe(3000);
    expect(x.sbGet(ROOM)).toBe(1096);
    const [o1, c1] = next(1000);
    expect([o1, c1]).toEqual([0, bytes(1000, 0)]);
    const [o2] = next(1000);
    expect(o2).toBe(1000);
    // Flow control stops new data at the limit.
    expect(next(1000, 2500)[1].length).toBe(500);
    expect(next(1000, 2500)[1].length).toBe(0);
    // The first chunk is lost: it goes again before new data, whatever the limit.
    x.sbLost(0, 1000, 0);
    expect(next(600, 2500)).toEqual([0, bytes(600, 0)]);
    expect(next(600, 2500)).toEqual([600, bytes(400, 600)]);
    // Acknowledging [0, 1000) releases it; [1000, 2000) acknowledged out of order waits for the prefix.
    x.sbAcked(1000, 1000, 0);
    expect(x.sbGet(BASE)).toBe(0);
    x.sbAcked(0, 1000, 0);
    expect(x.sbGet(BASE)).toBe(2000);
    expect(x.sbGet(ROOM)).toBe(4096 - 1000);
  });

  test('a lost range acknowledged meanwhile is not sent again', () => {
    x.sbReset(4096);
    write(2000, 0);
    next(2000);
    x.sbAcked(500, 500, 0);
    x.sbLost(0, 2000, 0);
    expect(next(4000)).toEqual([0, bytes(500, 0)]);
    expect(next(4000)).toEqual([1000, bytes(1000, 1000)]);
    expect(x.sbGet(PENDING)).toBe(0);
  });

  test('the ring wraps: bytes written after a release come out intact, without growing past the capacity', () => {
    x.sbReset(4096);
    let written = 0, sent = 0;
    for (let round = 0; round < 8; round++) {
      written += write(4096 - (written - sent), written);
      for (;;) {
        const [off, c] = next(700);
        if (c.length === 0) break;
        expect(c).toEqual(bytes(c.length, off));
        x.sbAcked(off, c.length, 0);
        sent = off + c.length;
      }
      expect(x.sbGet(STORAGE)).toBeLessThanOrEqual(4096);
    }
    expect(written).toBeGreaterThan(4096 * 3);
  });

  test('storage above 4 KiB is given back once everything is acknowledged, and made again by the next write', () => {
    x.sbReset(1 << 20);
    for (let at = 0; at < 100_000; at += 10_000) expect(write(10_000, at)).toBe(10_000);
    const big = x.sbGet(STORAGE);
    expect(big).toBeGreaterThanOrEqual(100_000);
    let off = 0;
    for (;;) {
      const [o, c] = next(1200);
      if (c.length === 0) break;
      expect(c).toEqual(bytes(c.length, o));
      off = o + c.length;
    }
    x.sbAcked(0, 60_000, 0);
    expect(x.sbGet(STORAGE)).toBe(big); // data still unacknowledged: kept
    x.sbAcked(60_000, off - 60_000, 0);
    expect(x.sbGet(ALL_ACKED)).toBe(1);
    expect(x.sbGet(STORAGE)).toBe(0); // idle: nothing held
    expect(write(300, 100_000)).toBe(300);
    expect(x.sbGet(STORAGE)).toBeLessThan(4096);
    const [o, c] = next(1200);
    expect(o).toBe(100_000);
    expect(c).toEqual(bytes(300, 100_000));
    // A small buffer stays when drained (no allocation per message for small writes).
    x.sbAcked(100_000, 300, 0);
    expect(x.sbGet(STORAGE)).toBeGreaterThan(0);
  });

  test('FIN: rides on the last chunk, is resent if lost, and all acknowledged only with it', () => {
    x.sbReset(4096);
    write(100, 0);
    x.sbFinish();
    next(1000);
    expect(x.sbFinWith(100)).toBe(1);
    x.sbAcked(0, 100, 0);
    expect(x.sbGet(ALL_ACKED)).toBe(0);
    x.sbAcked(100, 0, 1);
    expect(x.sbGet(ALL_ACKED)).toBe(1);
    expect([x.sbGet(BASE), x.sbGet(END), x.sbGet(NEXT)]).toEqual([100, 100, 100]);
  });
});

describe('receive buffer', () => {
  const RD = 0, READABLE = 1, HIGHEST = 2;
  const insert = (off: number, n: number) => { scratch().set(bytes(n, off)); return x.rbInsert(off, n); };
  const read = (cap: number) => { const n = x.rbRead(cap); return scratch().slice(0, n); };

  test('out-of-order pieces become readable once contiguous; duplicates and overlaps change nothing', () => {
    x.rbReset(10_000);
    expect(insert(1000, 500)).toBe(0);
    expect(x.rbGet(READABLE)).toBe(0);
    expect(x.rbGet(HIGHEST)).toBe(1500);
    insert(0, 600);
    insert(500, 700); // overlaps both
    expect(x.rbGet(READABLE)).toBe(1500);
    expect(read(1000)).toEqual(bytes(1000, 0));
    insert(0, 1000); // old duplicate
    expect(read(5000)).toEqual(bytes(500, 1000));
    expect(x.rbGet(RD)).toBe(1500);
  });

  test('beyond the window is refused (-1); the window slides as the reader reads', () => {
    x.rbReset(4096);
    expect(insert(4000, 200)).toBe(-1);
    expect(insert(0, 4096)).toBe(0);
    expect(read(1000).length).toBe(1000);
    expect(insert(4096, 1000)).toBe(0);
    expect(read(10_000)).toEqual(bytes(4096, 1000));
    expect(x.rbGet(3)).toBeLessThanOrEqual(4096);
  });
});

describe('sent-packet rings', () => {
  test('records survive growth, retirement in any order and shrinking; memory goes back after the burst', () => {
    x.sqReset();
    const base = x.sqRingBytes();
    // A burst of 5,000 packets with 1 to 3 frames each, acknowledged in a scattered order.
    for (let pn = 0; pn < 5000; pn++) expect(x.sqSend(pn, 1 + (pn % 3))).toBe(0);
    expect(x.sqCheck()).toBe(5000);
    const peak = x.sqRingBytes();
    expect(peak).toBeGreaterThan(base + 5000 * 48);
    let live = 5000;
    for (let pn = 0; pn < 5000; pn += 2) { live -= x.sqRetire(pn); }
    x.sqTrim();
    expect(x.sqCheck()).toBe(live);
    for (let pn = 4999; pn >= 0; pn -= 2) { live -= x.sqRetire(pn); if (pn % 64 === 1) x.sqTrim(); }
    expect(live).toBe(0);
    for (let i = 0; i < 40; i++) x.sqTrim();
    expect(x.sqCheck()).toBe(0);
    expect(x.sqRingBytes()).toBeLessThan(peak / 16);
    // Still usable at its small size.
    for (let pn = 5000; pn < 5100; pn++) x.sqSend(pn, 2);
    expect(x.sqCheck()).toBe(100);
  });

  test('the ceiling: 65,536 packets in flight, then no more records; ACK-only packets stop at half', () => {
    x.sqReset();
    let pn = 0;
    while (x.sqSend(pn, 1) === 0) {
      pn++;
      if (pn === 32_767) expect(x.sqCanRecordAckOnly()).toBe(1);
      if (pn === 32_768) expect(x.sqCanRecordAckOnly()).toBe(0);
    }
    expect(pn).toBe(65_536);
    expect(x.sqRetire(0)).toBe(1);
    x.sqTrim();
    expect(x.sqSend(pn, 1)).toBe(0);
    x.sqReset();
  });
});
