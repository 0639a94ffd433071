// Connection lifetime (RFC 9000 §10): idle timeout from both sides' max_idle_timeout,
// keep-alive PINGs, the closing and draining periods; and stream priority. Each check
// reads what crossed the wire from the qlog of the end that sent it.
import { makeSim, runUntil, connectSim, type SimOptions } from './sim';
import { MemoryQlog } from '../../host/transport/qlog/sink';
import type { CloseInfo } from '../../host/transport/connection';

interface Ev { time: number; name: string; data: any }
const events = (log: MemoryQlog): Ev[] => log.text([...log.traces.keys()][0]).split('\x1e').slice(1).map((r) => JSON.parse(r));
const sent = (log: MemoryQlog) => events(log).filter((e) => e.name === 'quic:packet_sent');

async function connected(opts: SimOptions = {}) {
  const clientLog = new MemoryQlog();
  const serverLog = new MemoryQlog();
  const sim = makeSim({ seed: 5, ...opts, client: { qlog: { sink: clientLog.factory } }, server: { qlog: { sink: serverLog.factory } } });
  const pair = await connectSim(sim);
  expect(pair).not.toBeNull();
  const { client, server } = pair!;
  const ended: { client?: CloseInfo; server?: CloseInfo; clientAt?: number; serverAt?: number } = {};
  client.closed.then((i) => { ended.client = i; ended.clientAt = sim.clock.now(); });
  server.closed.then((i) => { ended.server = i; ended.serverAt = sim.clock.now(); });
  return { ...sim, client, server, clientLog, serverLog, ended };
}

describe('connection lifetime', () => {
  test('idle timeout: the smaller max_idle_timeout wins, both ends go silently', async () => {
    const t = await connected({ transport: { maxIdleTimeoutMs: 5000 }, serverTransport: { maxIdleTimeoutMs: 2000 } });
    const start = t.clock.now();
    expect(await runUntil(t.clock, () => !!t.ended.client && !!t.ended.server, 30_000_000)).toBe(true);
    for (const [info, at] of [[t.ended.client!, t.ended.clientAt!], [t.ended.server!, t.ended.serverAt!]] as const) {
      expect(info).toMatchObject({ code: 0, byPeer: false, idleTimeout: true, reason: 'idle timeout' });
      // §10.1: the effective timeout is min(5 s, 2 s), but at least 3 PTO (tiny on this link).
      expect(at - start).toBeGreaterThanOrEqual(2_000_000 - 50_000);
      expect(at - start).toBeLessThanOrEqual(2_100_000);
    }
    // Silently (§10.1): no CONNECTION_CLOSE went out from either end.
    for (const log of [t.clientLog, t.serverLog]) {
      expect(sent(log).flatMap((e) => e.data.frames).filter((f: any) => f.frame_type === 'connection_close')).toEqual([]);
      expect(events(log).find((e) => e.name === 'quic:connection_closed')!.data.trigger).toBe('idle_timeout');
    }
  });

  test('keep-alive PINGs hold an idle connection open well past its idle timeout', async () => {
    // Only the client asks for keep-alive; the server relies on seeing its PINGs.
    const t = await connected({ transport: { maxIdleTimeoutMs: 2000, keepAliveMs: 500 }, serverTransport: { maxIdleTimeoutMs: 2000 } });
    expect(await runUntil(t.clock, () => !!t.ended.client || !!t.ended.server, 20_000_000)).toBe(false);
    expect(['established', 'confirmed']).toContain(t.client.state);
    expect(['established', 'confirmed']).toContain(t.server.state);
    const pings = sent(t.clientLog).filter((e) => e.data.frames.some((f: any) => f.frame_type === 'ping'));
    // One every 500 ms after the last activity (the PING's ACK counts) over 20 s of silence.
    expect(pings.length).toBeGreaterThanOrEqual(30);
    expect(pings.length).toBeLessThanOrEqual(45);
  });

  test('close: the peer drains silently and both report the application code', async () => {
    const t = await connected({ aToB: { delayUs: 10_000 }, bToA: { delayUs: 10_000 } });
    const before = t.client.openStream();
    let closeResolved: { info: CloseInfo; at: number } | undefined;
    const start = t.clock.now();
    void t.client.close(77, 'finished here').then((info) => { closeResolved = { info, at: t.clock.now() }; });
    expect(await runUntil(t.clock, () => !!t.ended.server && !!t.ended.client)).toBe(true);
    // close() resolved when the CONNECTION_CLOSE went out (nothing was left to deliver),
    // with the record `closed` gives later, after the closing period.
    expect(closeResolved!.at - start).toBeLessThan(1000);
    expect(closeResolved!.info).toEqual(t.ended.client);
    expect(t.ended.clientAt! - closeResolved!.at).toBeGreaterThan(20_000);
    expect(t.ended.server).toMatchObject({ code: 77, application: true, byPeer: true, idleTimeout: false });
    expect(t.ended.client).toMatchObject({ code: 77, application: true, byPeer: false });
    // §10.2.2: once the server received CONNECTION_CLOSE it sends nothing more.
    const serverEvents = events(t.serverLog);
    const closeAt = serverEvents.findIndex((e) => e.name === 'quic:packet_received' && e.data.frames.some((f: any) => f.frame_type === 'connection_close'));
    expect(closeAt).toBeGreaterThan(0);
    expect(serverEvents.slice(closeAt).filter((e) => e.name === 'quic:packet_sent')).toEqual([]);
    // The closing period lasted about 3 PTO at the client (§10.2), not forever.
    expect(t.ended.clientAt! - t.ended.serverAt!).toBeLessThan(2_000_000);
    // Afterwards the API answers with typed errors.
    expect(() => t.client.openStream()).toThrow(expect.objectContaining({ code: 'ERR_QUIC_CONNECTION_CLOSED' }));
    await expect(before.write(new Uint8Array(1))).rejects.toMatchObject({ code: 'ERR_QUIC_CONNECTION_CLOSED' });
    await expect(t.client.acceptStream()).rejects.toMatchObject({ code: 'ERR_QUIC_CONNECTION_CLOSED' });
  });

  test('urgency: an urgent stream is sent before a bulk one that was written first', async () => {
    // A 20 Mbit/s link so that the sender, not the link, decides the order.
    const t = await connected({ aToB: { bandwidthBps: 20_000_000, delayUs: 5000 }, bToA: { delayUs: 5000 } });
    const bulk = t.client.openStream({ urgency: 7 });
    const urgent = t.client.openStream({ urgency: 0 });
    const size = 400_000;
    const finishedAt: Record<string, number> = {};
    bulk.end(new Uint8Array(size)).then(() => bulk.finished).then(() => { finishedAt.bulk = t.clock.now(); });
    urgent.end(new Uint8Array(size)).then(() => urgent.finished).then(() => { finishedAt.urgent = t.clock.now(); });
    const drain = (async () => { for (let i = 0; i < 2; i++) void (await t.server.acceptStream()).readAll(); })();
    expect(await runUntil(t.clock, () => finishedAt.bulk !== undefined && finishedAt.urgent !== undefined)).toBe(true);
    await drain;
    expect(finishedAt.urgent).toBeLessThan(finishedAt.bulk);
    // On the wire: once the urgent stream had data queued, bulk frames stopped until it was done.
    const frames = sent(t.clientLog).flatMap((e) => e.data.frames).filter((f: any) => f.frame_type === 'stream');
    const lastUrgent = frames.map((f: any) => f.stream_id).lastIndexOf(urgent.id);
    const bulkBefore = frames.slice(0, lastUrgent).filter((f: any) => f.stream_id === bulk.id).reduce((n: number, f: any) => n + f.raw.length, 0);
    expect(bulkBefore).toBeLessThan(size / 4);
  });

  test('a graceful close delivers everything written before it, under loss', async () => {
    const t = await connected({ aToB: { loss: 0.05, delayUs: 5000 }, bToA: { loss: 0.05, delayUs: 5000 } });
    const sizes = [700_000, 300_000, 1];
    const streams = sizes.map(() => t.client.openStream());
    const payloads = sizes.map((n, k) => new Uint8Array(n).map((_, i) => (i * (k + 3)) & 0xff));
    // Written, not awaited, mostly without FIN: close() must still wait for all of it.
    const writes = streams.map((s, k) => (k === 2 ? s.end(payloads[k]) : s.write(payloads[k])));
    const received = new Map<number, Uint8Array[]>();
    const reading = (async () => {
      for (;;) {
        const s = await t.server.acceptStream().catch(() => null);
        if (!s) return;
        received.set(s.id, []);
        void (async () => { try { for await (const c of s) received.get(s.id)!.push(c); } catch { /* closed */ } })();
      }
    })();
    void t.client.close(3, 'graceful');
    expect(() => t.client.openStream()).toThrow(expect.objectContaining({ code: 'ERR_QUIC_CONNECTION_CLOSING' }));
    await expect(streams[0].write(new Uint8Array(1))).rejects.toMatchObject({ code: 'ERR_QUIC_CONNECTION_CLOSING' });
    expect(await runUntil(t.clock, () => !!t.ended.server && !!t.ended.client)).toBe(true);
    await Promise.all(writes);
    await reading;
    expect(t.ended.server).toMatchObject({ code: 3, application: true, byPeer: true });
    streams.forEach((s, k) => {
      const parts = received.get(s.id) ?? [];
      expect(Buffer.compare(Buffer.concat(parts), payloads[k])).toBe(0);
    });
  });

  test('close({ graceful: false }) abandons unacknowledged data at once', async () => {
    const t = await connected({ aToB: { delayUs: 5000 }, bToA: { delayUs: 5000 } });
    const s = t.client.openStream();
    const write = s.write(new Uint8Array(2_000_000));
    write.catch(() => undefined); // rejects during close(), before the assertion below looks
    void t.client.close(0, 'now', { graceful: false });
    expect(await runUntil(t.clock, () => !!t.ended.server && !!t.ended.client)).toBe(true);
    await expect(write).rejects.toMatchObject({ code: 'ERR_QUIC_CONNECTION_CLOSED' });
    expect(t.server.stats().streamBytesReceived).toBeLessThan(2_000_000);
  });

  test('a graceful close gives up after timeoutMs when the peer never reads', async () => {
    const t = await connected();
    const s = t.client.openStream();
    void s.write(new Uint8Array(20_000_000)).catch(() => undefined); // the server never accepts or reads it
    const start = t.clock.now();
    void t.client.close(9, 'stuck', { timeoutMs: 2000 });
    expect(await runUntil(t.clock, () => !!t.ended.server && !!t.ended.client, 30_000_000)).toBe(true);
    expect(t.ended.serverAt! - start).toBeGreaterThanOrEqual(2_000_000);
    expect(t.ended.serverAt! - start).toBeLessThan(2_500_000);
    expect(t.ended.server).toMatchObject({ code: 9, byPeer: true });
  });
});
