// Stream lifecycles across the wire (RFC 9000 §2, §3): stream types and ids, RESET_STREAM,
// STOP_SENDING and the RESET_STREAM it obliges (§3.5), on a lossy link so that those
// frames are retransmitted too. The qlog of each end shows which frames really crossed.
import { makeSim, runUntil, connectSim } from './sim';
import { MemoryQlog } from '../../host/transport/qlog/sink';

async function connected(loss = 0) {
  const clientLog = new MemoryQlog();
  const serverLog = new MemoryQlog();
  const sim = makeSim({
    seed: 11, aToB: { loss }, bToA: { loss },
    client: { qlog: { sink: clientLog.factory } }, server: { qlog: { sink: serverLog.factory } },
  });
  const pair = await connectSim(sim);
  expect(pair).not.toBeNull();
  const { client, server } = pair!;
  /** Frames of a kind that an end sent, from its qlog. */
  const sentFrames = (log: MemoryQlog, type: string) => log.text([...log.traces.keys()][0]).split('\x1e').slice(1)
    .map((r) => JSON.parse(r)).filter((e) => e.name === 'quic:packet_sent')
    .flatMap((e) => e.data.frames).filter((f: { frame_type: string }) => f.frame_type === type);
  return { ...sim, client, server, clientLog, serverLog, sentFrames };
}

/** Settles a promise into a value the virtual-clock loop can poll. */
function settle<T>(p: Promise<T>) {
  const s: { done: boolean; value?: T; error?: any } = { done: false };
  p.then((value) => { s.done = true; s.value = value; }, (error) => { s.done = true; s.error = error; });
  return s;
}

describe('stream lifecycles across the wire', () => {
  test('stream ids and directions: client/server × bidi/uni', async () => {
    const t = await connected();
    const cBidi = t.client.openStream();
    const cUni = t.client.openStream({ unidirectional: true });
    const sBidi = t.server.openStream();
    const sUni = t.server.openStream({ unidirectional: true });
    expect([cBidi.id, cUni.id, sBidi.id, sUni.id]).toEqual([0, 2, 1, 3]);
    expect([cUni.unidirectional, sBidi.serverInitiated, cBidi.serverInitiated]).toEqual([true, true, false]);
    expect(t.client.openStream().id).toBe(4);

    const msg = (s: string) => new TextEncoder().encode(s);
    await cUni.end(msg('client uni'));
    await sUni.end(msg('server uni'));
    await sBidi.end(msg('server bidi'));
    const atServer = settle((async () => {
      const got: Record<number, string> = {};
      for (let i = 0; i < 1; i++) { const s = await t.server.acceptStream(); got[s.id] = new TextDecoder().decode(await s.readAll()); }
      return got;
    })());
    const atClient = settle((async () => {
      const got: Record<number, string> = {};
      for (let i = 0; i < 2; i++) { const s = await t.client.acceptStream(); got[s.id] = new TextDecoder().decode(await s.readAll()); }
      return got;
    })());
    expect(await runUntil(t.clock, () => atServer.done && atClient.done)).toBe(true);
    expect(atServer.value).toEqual({ 2: 'client uni' });
    expect(atClient.value).toEqual({ 1: 'server bidi', 3: 'server uni' });

    // A peer's unidirectional stream is receive-only here: writing is a typed error, not a crash.
    const uniAtServer = await (async () => {
      const c2 = t.client.openStream({ unidirectional: true });
      await c2.write(msg('x'));
      const s = settle(t.server.acceptStream());
      expect(await runUntil(t.clock, () => s.done)).toBe(true);
      return s.value!;
    })();
    await expect(uniAtServer.write(msg('not allowed'))).rejects.toMatchObject({ code: 'ERR_QUIC_STREAM_STATE' });
    expect(['established', 'confirmed']).toContain(t.server.state); // the connection is unharmed
  });

  test('RESET_STREAM under loss: the reader fails with the code, the connection carries on', async () => {
    const t = await connected(0.1);
    const s = t.client.openStream();
    const first = new Uint8Array(50_000).fill(1);
    await s.write(first);
    const atServer = settle(t.server.acceptStream());
    expect(await runUntil(t.clock, () => atServer.done)).toBe(true);
    const peer = atServer.value!;
    // Read until some data arrived, then reset mid-stream.
    const firstChunk = settle(peer.read());
    expect(await runUntil(t.clock, () => firstChunk.done)).toBe(true);
    const pendingWrite = settle(s.write(new Uint8Array(10_000_000)));
    s.reset(42);
    const rest = settle(peer.readAll());
    expect(await runUntil(t.clock, () => rest.done && pendingWrite.done)).toBe(true);
    expect(rest.error).toMatchObject({ code: 'ERR_QUIC_STREAM_RESET', applicationCode: 42 });
    expect(pendingWrite.error).toMatchObject({ code: 'ERR_QUIC_STREAM_RESET' });
    await expect(s.finished).rejects.toMatchObject({ code: 'ERR_QUIC_STREAM_RESET' });

    // The client sent RESET_STREAM (repeated if lost) with one final size, no larger than what it wrote.
    const resets = t.sentFrames(t.clientLog, 'reset_stream').filter((f: any) => f.stream_id === s.id);
    expect(resets.length).toBeGreaterThan(0);
    expect(new Set(resets.map((f: any) => f.final_size)).size).toBe(1);
    expect(resets[0].final_size).toBeLessThanOrEqual(s.bytesWritten);
    expect(resets[0].error_code).toBe(42);

    // No STREAM frame for that stream after the first RESET_STREAM (§3.1: Reset Sent).
    const events = t.clientLog.text([...t.clientLog.traces.keys()][0]).split('\x1e').slice(1).map((r) => JSON.parse(r)).filter((e) => e.name === 'quic:packet_sent');
    const firstReset = events.findIndex((e) => e.data.frames.some((f: any) => f.frame_type === 'reset_stream'));
    const later = events.slice(firstReset).flatMap((e) => e.data.frames).filter((f: any) => f.frame_type === 'stream' && f.stream_id === s.id);
    expect(later).toEqual([]);

    // The connection still works: a fresh stream round-trips 100 kB.
    const echo = settle((async () => { const x = await t.server.acceptStream(); await x.end(await x.readAll()); })());
    const s2 = t.client.openStream();
    const data = new Uint8Array(100_000).map((_, i) => i & 0xff);
    await s2.end(data);
    const back = settle(s2.readAll());
    expect(await runUntil(t.clock, () => back.done && echo.done)).toBe(true);
    expect(Buffer.compare(back.value!, data)).toBe(0);
  });

  test('STOP_SENDING: the writer fails with the code and answers with RESET_STREAM (§3.5)', async () => {
    const t = await connected(0.05);
    const s = t.client.openStream();
    await s.write(new Uint8Array(20_000));
    const atServer = settle(t.server.acceptStream());
    expect(await runUntil(t.clock, () => atServer.done)).toBe(true);
    const peer = atServer.value!;
    peer.stopSending(7);
    await expect(peer.read()).rejects.toMatchObject({ code: 'ERR_QUIC_STREAM_STOPPED', applicationCode: 7 });

    const writing = settle(s.write(new Uint8Array(50_000_000)));
    expect(await runUntil(t.clock, () => writing.done)).toBe(true);
    expect(writing.error).toMatchObject({ code: 'ERR_QUIC_STREAM_STOPPED', applicationCode: 7 });

    // Let the frames settle, then read both qlogs.
    await runUntil(t.clock, () => false, 2_000_000);
    const stops = t.sentFrames(t.serverLog, 'stop_sending').filter((f: any) => f.stream_id === s.id);
    expect(stops.length).toBeGreaterThan(0);
    expect(stops[0].error_code).toBe(7);
    const resets = t.sentFrames(t.clientLog, 'reset_stream').filter((f: any) => f.stream_id === s.id);
    expect(resets.length).toBeGreaterThan(0);
    expect(resets[0].error_code).toBe(7); // §3.5: MAY use the code from STOP_SENDING; we do

    // The server's receive direction still works in the other direction on the same stream.
    const reply = new TextEncoder().encode('still here');
    await peer.end(reply);
    const got = settle(s.readAll());
    expect(await runUntil(t.clock, () => got.done)).toBe(true);
    expect(new TextDecoder().decode(got.value!)).toBe('still here');
  });

  test('a reset after everything was acknowledged changes nothing', async () => {
    const t = await connected();
    const s = t.client.openStream();
    const data = new Uint8Array(5000).fill(9);
    await s.end(data);
    const fin = settle(s.finished);
    const peer = settle(t.server.acceptStream().then((x) => x.readAll()));
    expect(await runUntil(t.clock, () => fin.done && peer.done)).toBe(true);
    expect(fin.error).toBeUndefined();
    s.reset(5); // Data Recvd is terminal (§3.1): no RESET_STREAM goes out
    await runUntil(t.clock, () => false, 1_000_000);
    expect(t.sentFrames(t.clientLog, 'reset_stream')).toEqual([]);
    expect(peer.value!.length).toBe(5000);
  });

  test('a reset before anything was written reaches the peer (Ready state, §3.1)', async () => {
    const t = await connected();
    const s = t.client.openStream();
    // Nothing written, no FIN: the stream is in Ready, and RESET_STREAM must still go out.
    s.reset(7);
    const peerErr = settle(t.server.acceptStream().then((x) => x.readAll()));
    expect(await runUntil(t.clock, () => peerErr.done, 5_000_000)).toBe(true);
    expect(peerErr.error?.code).toBeDefined();
    expect(t.sentFrames(t.clientLog, 'reset_stream').map((f: { error_code: number; final_size: number }) => [f.error_code, f.final_size])).toEqual([[7, 0]]);
  });
});
