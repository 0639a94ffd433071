// A QuicStream's Web Streams and Node Duplex faces over the simulator: pipeTo and
// pipeline end to end, byte-exact; backpressure from a reader that stops reading all the
// way to the sending application (measured in bytes, not time); reset and stop-sending
// with codes from both faces.
import { createHash } from 'node:crypto';
import { Readable, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { makeSim, connectSim, runUntil, type SimOptions } from '../transport/sim';
import { toNodeDuplex } from '../../host/api/node-duplex';
import type { QuicStream } from '../../host/transport/stream';

const pattern = (i: number, n: number) => Uint8Array.from({ length: n }, (_, k) => (i * 131 + k * 7) & 0xff);
const sha = (parts: Uint8Array[]) => { const h = createHash('sha256'); for (const p of parts) h.update(p); return h.digest('hex'); };

async function pairOf(opts: SimOptions = {}) {
  const sim = makeSim(opts);
  const pair = await connectSim(sim);
  expect(pair).not.toBeNull();
  return { ...sim, ...pair! };
}

/** A ReadableStream of `count` chunks of `size` bytes; counts what the consumer pulled. */
function source(count: number, size: number, sent: Uint8Array[], pulled: { bytes: number }) {
  let i = 0;
  return new ReadableStream<Uint8Array>({
    pull(c) {
      if (i === count) { c.close(); return; }
      const chunk = pattern(i++, size);
      sent.push(chunk);
      pulled.bytes += chunk.length;
      c.enqueue(chunk);
    },
  }, { highWaterMark: 0 });
}

function collector(into: Uint8Array[], done: { v: boolean }) {
  return new WritableStream<Uint8Array>({ write(c) { into.push(c.slice()); }, close() { done.v = true; } });
}

describe('Web Streams', () => {
  test('pipeTo end to end: client → server → echoed back, byte-exact', async () => {
    const t = await pairOf();
    const s = t.client.openStream();
    const sent: Uint8Array[] = [];
    const pulled = { bytes: 0 };
    const echoed: Uint8Array[] = [];
    const done = { v: false };
    void source(200, 10_000, sent, pulled).pipeTo(s.writable);
    void s.readable.pipeTo(collector(echoed, done));
    void t.server.acceptStream().then((r) => r.readable.pipeTo(r.writable));
    expect(await runUntil(t.clock, () => done.v)).toBe(true);
    expect(pulled.bytes).toBe(2_000_000);
    expect(sha(echoed)).toBe(sha(sent));
  });

  test('a reader that stops reading stops the writer once the windows fill', async () => {
    const window = 128 * 1024;
    const t = await pairOf({
      transport: { initialMaxData: 2 * window, initialMaxStreamDataBidiLocal: window, initialMaxStreamDataBidiRemote: window, maxReceiveWindow: 2 * window, streamSendBuffer: window },
      server: { streamHighWaterMark: 64 * 1024 },
    });
    const s = t.client.openStream();
    const sent: Uint8Array[] = [];
    const pulled = { bytes: 0 };
    const total = 8_000_000;
    let piped = false;
    void source(total / 16_000, 16_000, sent, pulled).pipeTo(s.writable).then(() => { piped = true; });
    // The server pipes into a sink that takes one chunk and then blocks until released.
    const got: Uint8Array[] = [];
    let release: () => void = () => undefined;
    const gate = new Promise<void>((r) => { release = r; });
    const done = { v: false };
    const sink = new WritableStream<Uint8Array>({
      async write(c) { got.push(c.slice()); if (got.length > 1) await gate; },
      close() { done.v = true; },
    });
    void t.server.acceptStream().then((r) => r.readable.pipeTo(sink));
    expect(await runUntil(t.clock, () => piped, 20_000_000)).toBe(false);
    // What left the application: the core's send buffer + the peer's windows + the
    // server's JS buffer + a chunk or two in the pipes, far below the 8 MB on offer.
    const bound = window /* send buffer */ + 2 * window /* receive window */ + 64 * 1024 /* server highWaterMark */ + 4 * 16_000;
    expect(pulled.bytes).toBeLessThanOrEqual(bound);
    expect(t.server.stats().streamBytesReceived).toBeLessThanOrEqual(2 * window + 16_000);
    // Reading again drains everything, byte-exact.
    release();
    expect(await runUntil(t.clock, () => done.v && piped)).toBe(true);
    expect(pulled.bytes).toBe(total);
    expect(sha(got)).toBe(sha(sent));
  });

  test('writable.abort(code) resets; readable.cancel(code) stops sending; both codes reach the peer', async () => {
    const t = await pairOf();
    const a = t.client.openStream();
    const writer = a.writable.getWriter();
    await writer.write('first bytes');
    let serverA: QuicStream | null = null;
    void t.server.acceptStream().then((r) => { serverA = r; });
    expect(await runUntil(t.clock, () => serverA !== null)).toBe(true);
    const reader = serverA!.readable.getReader();
    const firstRead = await reader.read();
    expect(new TextDecoder().decode(firstRead.value)).toBe('first bytes');
    void writer.abort(7);
    let readErr: any = null;
    reader.read().catch((e) => { readErr = e; });
    expect(await runUntil(t.clock, () => readErr !== null)).toBe(true);
    expect(readErr).toMatchObject({ code: 'ERR_QUIC_STREAM_RESET', applicationCode: 7 });

    const b = t.client.openStream();
    await b.write('x');
    let serverB: QuicStream | null = null;
    void t.server.acceptStream().then((r) => { serverB = r; });
    expect(await runUntil(t.clock, () => serverB !== null)).toBe(true);
    await serverB!.readable.cancel(9);
    const bw = b.writable.getWriter();
    let writeErr: any = null;
    bw.closed.catch((e) => { writeErr = e; });
    expect(await runUntil(t.clock, () => writeErr !== null)).toBe(true);
    expect(writeErr).toMatchObject({ code: 'ERR_QUIC_STREAM_STOPPED', applicationCode: 9 });
  });

  test('async iteration still works beside them', async () => {
    const t = await pairOf();
    const s = t.client.openStream();
    void s.end('iterated');
    let text: string | null = null;
    void t.server.acceptStream().then(async (r) => { let out = ''; for await (const c of r) out += new TextDecoder().decode(c); text = out; });
    expect(await runUntil(t.clock, () => text !== null)).toBe(true);
    expect(text).toBe('iterated');
  });
});

describe('Node Duplex', () => {
  test('stream.pipeline: upload with Readable.from, echo through the server duplex, download into a Writable', async () => {
    const t = await pairOf();
    const s = t.client.openStream();
    const chunks = Array.from({ length: 100 }, (_, i) => pattern(i, 12_345));
    const received: Uint8Array[] = [];
    let downloaded = false;
    let uploaded = false;
    const client = toNodeDuplex(s);
    void pipeline(Readable.from(chunks.map((c) => Buffer.from(c))), client).then(() => { uploaded = true; });
    void pipeline(client, new Writable({ write(c, _e, cb) { received.push(new Uint8Array(c)); cb(); } })).then(() => { downloaded = true; });
    void t.server.acceptStream().then((r) => { const d = toNodeDuplex(r); return pipeline(d, d); });
    expect(await runUntil(t.clock, () => uploaded && downloaded)).toBe(true);
    expect(sha(received)).toBe(sha(chunks));
  });

  test('destroy(err) resets the stream with the error\'s applicationCode', async () => {
    const t = await pairOf();
    const s = t.client.openStream();
    const d = toNodeDuplex(s);
    d.write('hello');
    let server: QuicStream | null = null;
    void t.server.acceptStream().then((r) => { server = r; });
    expect(await runUntil(t.clock, () => server !== null)).toBe(true);
    d.on('error', () => undefined);
    d.destroy(Object.assign(new Error('give up'), { applicationCode: 42 }));
    let err: any = null;
    void server!.readAll().catch((e) => { err = e; });
    expect(await runUntil(t.clock, () => err !== null)).toBe(true);
    expect(err).toMatchObject({ code: 'ERR_QUIC_STREAM_RESET', applicationCode: 42 });
  });
});

describe('unidirectional streams have one side', () => {
  test('ours only sends: reads end at once (all faces); the peer\'s only receives: writes are refused', async () => {
    const t = await pairOf();
    const out = t.client.openStream({ unidirectional: true });
    expect(await out.read()).toBeNull();
    expect((await out.readable.getReader().read()).done).toBe(true);
    const chunks = [pattern(1, 5000), pattern(2, 7000)];
    let uploaded = false;
    void pipeline(Readable.from(chunks.map((c) => Buffer.from(c))), toNodeDuplex(out)).then(() => { uploaded = true; });
    let got: Uint8Array | null = null;
    let incoming: QuicStream | null = null;
    void t.server.acceptStream().then(async (r) => { incoming = r; got = await r.readAll(); });
    expect(await runUntil(t.clock, () => uploaded && got !== null)).toBe(true);
    expect(sha([got!])).toBe(sha(chunks));
    await expect(incoming!.write('no')).rejects.toMatchObject({ code: 'ERR_QUIC_STREAM_STATE' });
  });
});
