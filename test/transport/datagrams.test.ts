// Unreliable datagrams (RFC 9221) between our client and server on the simulator: the
// negotiation of max_datagram_frame_size, datagrams both ways byte-exact, loss without
// retransmission (checked on the wire, in the sender's qlog), sizes refused before
// sending, a peer that sends what we did not advertise, and both queues' bounds.
import { makeSim, connectSim, runUntil, pairOf, watch, cert, type SimOptions } from './sim';
import { RogueClient } from './rogue';
import { MemoryQlog } from '../../host/transport/qlog/sink';
import { Suite } from '../../host/crypto/suites';
import type { CloseInfo } from '../../host/transport/connection';
import type { DatagramOutcome } from '../../host/transport/datagrams';
import { varint } from '../support/varint';
import type { VirtualClock } from '../../host/net/virtual-clock';

/** A pair where both ends accept datagrams (each side's options can be overridden). */
function withDatagrams(opts: SimOptions = {}): SimOptions {
  return { ...opts, client: { datagrams: {}, ...opts.client }, server: { datagrams: {}, ...opts.server } };
}

/** Distinct content per index and length, so that a mix-up or a cut shows. */
function payload(i: number, len: number): Uint8Array {
  return Uint8Array.from({ length: len }, (_, k) => (i * 31 + k * 7 + 3) & 0xff);
}

/** Lets `us` of virtual time pass, the network and timers running meanwhile. */
async function sleep(clock: VirtualClock, us: number): Promise<void> {
  let fired = false;
  clock.setTimer(clock.now() + us, () => { fired = true; });
  await runUntil(clock, () => fired);
}

describe('datagrams', () => {
  test('both ways, byte-exact, in order on a clean link; every tracked one acknowledged', async () => {
    const t = await pairOf(withDatagrams());
    expect(t.client.maxDatagramSize).toBeGreaterThan(1000);
    expect(t.server.maxDatagramSize).toBeGreaterThan(1000);
    const N = 60;
    const up = Array.from({ length: N }, (_, i) => payload(i, (i * 17) % 1000));
    const down = Array.from({ length: N }, (_, i) => payload(i + 1000, (i * 29) % 1000 + 1));
    // The server reads through the async iterator, the client through the event.
    const atServer: Uint8Array[] = [];
    const atClient: Uint8Array[] = [];
    void (async () => { for await (const d of t.server.datagrams()) atServer.push(d); })();
    t.client.on('datagram', (d) => atClient.push(d));
    const outcomes: Promise<DatagramOutcome>[] = [];
    for (let i = 0; i < N; i++) {
      outcomes.push(t.client.sendDatagram(up[i], { track: true }));
      t.server.sendDatagram(down[i]);
      await sleep(t.clock, 2000);
    }
    t.server.sendDatagram('text goes as UTF-8: é');
    expect(await runUntil(t.clock, () => atServer.length === N && atClient.length === N + 1)).toBe(true);
    expect(atServer.map((d) => Buffer.from(d).toString('hex'))).toEqual(up.map((d) => Buffer.from(d).toString('hex')));
    expect(atClient.slice(0, N).map((d) => Buffer.from(d).toString('hex'))).toEqual(down.map((d) => Buffer.from(d).toString('hex')));
    expect(new TextDecoder().decode(atClient[N])).toBe('text goes as UTF-8: é');
    const settled = await Promise.all(outcomes);
    expect(settled.every((o) => o === 'acked')).toBe(true);
    const c = t.client.datagramStats()!, s = t.server.datagramStats()!;
    expect([c.sent, c.acked, c.lost, c.sendDropped]).toEqual([N, N, 0, 0]);
    expect([s.received, s.receiveDropped, s.receiveQueued]).toEqual([N, 0, 0]);
    expect([c.localMaxFrameSize, c.peerMaxFrameSize]).toEqual([65535, 65535]);
  });

  test('under loss some are lost and none is sent twice (the wire, in the sender qlog)', async () => {
    const log = new MemoryQlog();
    const lossy = { loss: 0.15, delayUs: 10_000 };
    const t = await pairOf(withDatagrams({ seed: 7, aToB: lossy, bToA: lossy, client: { datagrams: {}, qlog: { sink: log.factory } } }));
    // One datagram per length 1..N: a length seen twice among sent frames would be a resend.
    const N = 300;
    const got = new Map<number, Uint8Array>();
    t.server.on('datagram', (d) => got.set(d.length, d));
    const outcomes: Promise<DatagramOutcome>[] = [];
    for (let len = 1; len <= N; len++) {
      outcomes.push(t.client.sendDatagram(payload(len, len), { track: true }));
      await sleep(t.clock, 3000);
    }
    const results = watch(Promise.all(outcomes));
    expect(await runUntil(t.clock, () => results.done)).toBe(true);
    await runUntil(t.clock, () => false, 500_000);

    const events = log.text([...log.traces.keys()][0]).split('\x1e').slice(1).map((r) => JSON.parse(r));
    const sentLengths = events.filter((e) => e.name === 'quic:packet_sent')
      .flatMap((e) => e.data.frames.filter((f: any) => f.frame_type === 'datagram').map((f: any) => f.length));
    expect(sentLengths.length).toBe(N);
    expect(new Set(sentLengths).size).toBe(N);

    const st = t.client.datagramStats()!;
    expect(st.sent).toBe(N);
    expect(st.lost).toBeGreaterThan(0);
    expect(got.size).toBeLessThan(N);
    expect(got.size).toBeGreaterThan(N / 2);
    for (const [len, d] of got) expect(Buffer.compare(d, payload(len, len))).toBe(0);
    const outcome = results.value!;
    expect(outcome.filter((o) => o === 'lost').length).toBe(st.lost);
    expect(outcome.filter((o) => o === 'acked').length).toBe(st.acked);
    expect(st.acked + st.lost).toBe(N);
    // Acknowledged means the peer had it (its queue kept everything: it was read at once).
    outcome.forEach((o, i) => { if (o === 'acked') expect(got.has(i + 1)).toBe(true); });
  });

  test('too large: a typed error before anything is queued; the limit follows the peer', async () => {
    const t = await pairOf(withDatagrams({ server: { datagrams: { maxFrameSize: 100 } } }));
    // 100 bytes of frame: type (1) + Length (2 bytes for 97) + 97 bytes of payload.
    expect(t.client.maxDatagramSize).toBe(97);
    expect(() => t.client.sendDatagram(new Uint8Array(98))).toThrow(expect.objectContaining({ code: 'ERR_QUIC_DATAGRAM_TOO_LARGE', message: expect.stringMatching(/98 bytes.*at most 97/) }));
    expect(t.client.datagramStats()).toMatchObject({ sendQueued: 0, sent: 0 });
    // The server's own limit is one packet on this 1200-byte path.
    const max = t.server.maxDatagramSize;
    expect(max).toBeGreaterThan(1000);
    expect(max).toBeLessThan(1200);
    expect(() => t.server.sendDatagram(new Uint8Array(max + 1))).toThrow(expect.objectContaining({ code: 'ERR_QUIC_DATAGRAM_TOO_LARGE' }));
    expect(() => t.client.sendDatagram(42 as never)).toThrow(expect.objectContaining({ code: 'ERR_QUIC_INVALID_ARGUMENT' }));
    // The largest of each goes through, byte-exact.
    const atServer = watch(t.server.receiveDatagram());
    const atClient = watch(t.client.receiveDatagram());
    t.client.sendDatagram(payload(1, 97));
    t.server.sendDatagram(payload(2, max));
    expect(await runUntil(t.clock, () => atServer.done && atClient.done)).toBe(true);
    expect(Buffer.compare(atServer.value!, payload(1, 97))).toBe(0);
    expect(Buffer.compare(atClient.value!, payload(2, max))).toBe(0);
  });

  test('a peer without datagram support: typed error; the other direction still works (§3 is per direction)', async () => {
    const t = await pairOf({ client: { datagrams: {} } }); // the server advertises nothing
    expect(t.client.maxDatagramSize).toBe(0);
    expect(() => t.client.sendDatagram('x')).toThrow(expect.objectContaining({ code: 'ERR_QUIC_DATAGRAM_UNSUPPORTED' }));
    expect(t.client.datagramStats()!.peerMaxFrameSize).toBe(0);
    const got = watch(t.client.receiveDatagram());
    t.server.sendDatagram('from the server');
    expect(await runUntil(t.clock, () => got.done)).toBe(true);
    expect(new TextDecoder().decode(got.value!)).toBe('from the server');
    // Before the handshake there is nothing to check against.
    const sim = makeSim(withDatagrams());
    const early = sim.client.connectTo(0, { serverName: 'localhost', trustAnchors: [cert.chain[0]] });
    expect(early.maxDatagramSize).toBe(0);
    expect(() => early.sendDatagram('x')).toThrow(expect.objectContaining({ code: 'ERR_QUIC_NOT_ESTABLISHED' }));
  });

  describe('a DATAGRAM frame we did not allow closes with PROTOCOL_VIOLATION (RFC 9221 §3)', () => {
    async function rogueSends(serverDatagrams: { maxFrameSize?: number } | undefined, frame: Uint8Array): Promise<CloseInfo | null> {
      let rogue: RogueClient | null = null;
      const sim = makeSim({
        server: serverDatagrams ? { datagrams: serverDatagrams } : {},
        client: { tls: { alpn: ['test'], cipherSuites: [Suite.Aes128Gcm], keyLog: (l) => rogue?.keyLog(l) } },
      });
      rogue = new RogueClient(sim.pair);
      const pair = await connectSim(sim);
      expect(pair).not.toBeNull();
      let closed: CloseInfo | null = null;
      pair!.server.on('close', (c) => { closed = c; });
      rogue.inject(frame);
      await runUntil(sim.clock, () => closed !== null, 2_000_000);
      return closed;
    }
    const dgLen = (n: number) => Uint8Array.from([0x31, ...varint(n), ...new Uint8Array(n).fill(9)]);

    test('when we advertised none', async () => {
      expect(await rogueSends(undefined, dgLen(5))).toMatchObject({ code: 0x0a, application: false, byPeer: false });
      expect(await rogueSends(undefined, Uint8Array.from([0x30, 1, 2, 3]))).toMatchObject({ code: 0x0a });
    });

    test('when larger than we advertised; at the limit it is delivered', async () => {
      expect(await rogueSends({ maxFrameSize: 100 }, dgLen(98))).toMatchObject({ code: 0x0a });
      expect(await rogueSends({ maxFrameSize: 100 }, dgLen(97))).toBeNull();
    });
  });

  test('a reader that does not read: the receive queue holds its bound, drops the oldest, counts them', async () => {
    const QUEUE = 4096;
    const t = await pairOf(withDatagrams({ server: { datagrams: { receiveQueue: QUEUE } } }));
    const N = 400, LEN = 100;
    for (let i = 0; i < N; i++) {
      t.client.sendDatagram(payload(i, LEN));
      await sleep(t.clock, 1000);
    }
    expect(await runUntil(t.clock, () => t.server.datagramStats()!.received === N)).toBe(true);
    const s = t.server.datagramStats()!;
    const kept = Math.floor(QUEUE / (LEN + 8));
    expect(s.receiveQueued).toBe(kept);
    expect(s.receiveQueuedBytes).toBeLessThanOrEqual(QUEUE);
    expect(s.queueMemory).toBeLessThanOrEqual(2 * QUEUE);
    expect(s.receiveDropped).toBe(N - kept);
    // What is left is the newest, in order.
    for (let i = N - kept; i < N; i++) expect(Buffer.compare(await t.server.receiveDatagram(), payload(i, LEN))).toBe(0);
    expect(t.server.datagramStats()!.receiveQueued).toBe(0);
  });

  test('a full send queue drops the oldest unsent; each tracked datagram gets exactly one outcome', async () => {
    const t = await pairOf(withDatagrams({ client: { datagrams: { sendQueue: 8192 } }, aToB: { delayUs: 20_000 }, bToA: { delayUs: 20_000 } }));
    const got: Uint8Array[] = [];
    t.server.on('datagram', (d) => got.push(d));
    // Far more at once than the congestion window lets out: the queue overflows.
    const outcomes = Array.from({ length: 200 }, (_, i) => t.client.sendDatagram(payload(i, 1000), { track: true }));
    const all = watch(Promise.all(outcomes));
    expect(await runUntil(t.clock, () => all.done)).toBe(true);
    const res = all.value!;
    const st = t.client.datagramStats()!;
    expect(st.sendDropped).toBeGreaterThan(0);
    expect(res.filter((o) => o === 'dropped').length).toBe(st.sendDropped);
    expect(res.filter((o) => o === 'acked').length).toBe(st.sent);
    expect(st.sent + st.sendDropped).toBe(200);
    expect(got.length).toBe(st.sent);
    // The newest survive: everything after the first survivor was sent.
    const firstSent = res.findIndex((o) => o === 'acked');
    expect(res.slice(firstSent).filter((o) => o === 'dropped').length).toBeLessThan(res.slice(firstSent).length);
    expect(res[199]).toBe('acked');
  });

  test('closing: tracked datagrams still waiting resolve, readers end, the iterator finishes', async () => {
    const t = await pairOf(withDatagrams({ aToB: { delayUs: 50_000 }, bToA: { delayUs: 50_000 } }));
    const ended = watch((async () => { let n = 0; for await (const _ of t.server.datagrams()) n++; return n; })());
    const pending = watch(t.client.sendDatagram('late', { track: true }));
    const reading = watch(t.client.receiveDatagram());
    void t.client.close(0, 'bye', { graceful: false });
    expect(await runUntil(t.clock, () => ended.done && pending.done && reading.done)).toBe(true);
    expect(pending.value).toMatch(/^(lost|acked)$/);
    expect(reading.error).toMatchObject({ code: 'ERR_QUIC_CONNECTION_CLOSED' });
    expect(() => t.client.sendDatagram('x')).toThrow(expect.objectContaining({ code: 'ERR_QUIC_CONNECTION_CLOSED' }));
    expect(t.client.maxDatagramSize).toBe(0);
  });
});

