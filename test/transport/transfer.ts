// A bidirectional multi-stream transfer over the simulator, with the invariants checked
// along the way. Used by the simulator test and the in-memory benchmark.
import { createHash } from 'node:crypto';
import { makeSim, runUntil, cert } from './sim';
import type { LinkImpairments } from '../../host/net/dgram-pair';
import type { QuicConnection, ConnectionStats } from '../../host/transport/connection';
import type { TransportConfig } from '../../host/transport/create';
import { Prng } from '../../host/net/prng';
import { AmplificationObserver } from './amplification';
import { CwndObserver } from './cwnd';

export interface TransferResult {
  ok: boolean;
  reason?: string;
  virtualMs: number;
  sentHashes: string[];
  echoedHashes: string[];
  maxAmplification: number;
  /** Whether a client Handshake packet that really opens reached the server (the observer's validation point). */
  addressValidated: boolean;
  /** RFC 9002 §7 measured on the wire (cwnd.ts): sends checked, and those over the reported window / the outside bound. */
  cwnd: { checked: number; overReported: number; overOutside: number; unopened: number; maxRatio: number; worst: string };
  clientStats: ConnectionStats;
  serverStats: ConnectionStats | null;
}

const sha = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');

export async function transfer(opts: { seed: number; totalBytes: number; streams: number; impair?: LinkImpairments; transport?: TransportConfig; virtualLimitUs?: number }): Promise<TransferResult> {
  // Amplification (RFC 9000 §8.1), measured on the wire outside the core (amplification.ts).
  const amp = new AmplificationObserver();
  // The congestion window (RFC 9002 §7), measured on the wire as well (cwnd.ts).
  const cw = new CwndObserver();
  const { clock, pair, client, server } = makeSim({
    seed: opts.seed, aToB: opts.impair, bToA: opts.impair, transport: opts.transport,
    client: { tls: { alpn: ['test'], keyLog: (line: string) => { amp.keyLog(line); cw.keyLog(line); } } },
  });
  let clientConn: QuicConnection | null = null;
  let serverConn: QuicConnection | null = null;
  const statsOf = (c: () => QuicConnection | null) => () => { const x = c(); return x ? x.stats() : null; };
  const clientStats = statsOf(() => clientConn), serverStats = statsOf(() => serverConn);
  const origSend = pair.b.send.bind(pair.b);
  // A stateless reset (RFC 9000 §10.3) answers a packet whose DCID corruption made
  // unknown: it is no packet of the connection, so the window observer skips it. An
  // endpoint sends a pending reset before any connection's datagram (endpoint.ts
  // pollTransmit), so the datagram sent after its count moved is the reset.
  const resetsSeen = { server: 0, client: 0 };
  const isReset = (who: 'server' | 'client'): boolean => {
    const n = (who === 'server' ? server : client).stats.statelessResetsSent;
    if (n === resetsSeen[who]) return false;
    resetsSeen[who] = n;
    return true;
  };
  pair.b.send = (d: Uint8Array, p: number) => {
    amp.fromServer(d);
    if (!isReset('server')) cw.sent('server', d, clock.now(), serverConn ? () => serverStats()! : null);
    origSend(d, p);
  };
  const bEnd = pair.b as unknown as { deliver(b: Uint8Array): void };
  const origDeliver = bEnd.deliver.bind(bEnd);
  bEnd.deliver = (b: Uint8Array) => { amp.fromClient(b); cw.delivered('client', b); origDeliver(b); };
  const origSendA = pair.a.send.bind(pair.a);
  pair.a.send = (d: Uint8Array, p: number) => { if (!isReset('client')) cw.sent('client', d, clock.now(), clientConn ? () => clientStats()! : null); origSendA(d, p); };
  const aEnd = pair.a as unknown as { deliver(b: Uint8Array): void };
  const origDeliverA = aEnd.deliver.bind(aEnd);
  aEnd.deliver = (b: Uint8Array) => { cw.delivered('server', b); origDeliverA(b); };

  const prng = new Prng(opts.seed * 7919);
  const per = Math.floor(opts.totalBytes / opts.streams);
  const payloads = Array.from({ length: opts.streams }, (_, i) => prng.fill(new Uint8Array(per + (i === 0 ? opts.totalBytes - per * opts.streams : 0))));
  const echoed: (Uint8Array | null)[] = payloads.map(() => null);
  let failure: string | null = null;

  server.accept().then((sc: QuicConnection) => {
    serverConn = sc;
    for (let i = 0; i < opts.streams; i++) {
      sc.acceptStream().then(async (s) => {
        const chunks: Uint8Array[] = [];
        for await (const c of s) { chunks.push(c); await s.write(c); }
        await s.end();
      }).catch((e) => { failure ??= `server stream: ${e.message}`; });
    }
  }, (e) => { failure ??= `accept: ${e.message}`; });

  const conn = client.connectTo(0, { serverName: 'localhost', trustAnchors: [cert.chain[0]] });
  clientConn = conn;
  conn.established.catch((e) => { failure ??= `handshake: ${e.message}`; });
  conn.closed.then((c) => { if (!echoed.every(Boolean)) failure ??= `closed early: ${c.reason}`; });
  await runUntil(clock, () => conn.handshakeInfo !== null || failure !== null, 60_000_000);
  if (failure === null) payloads.forEach((p, i) => {
    const s = conn.openStream();
    (async () => {
      for (let off = 0; off < p.length; off += 16384) await s.write(p.subarray(off, Math.min(p.length, off + 16384)));
      await s.end();
    })().catch((e) => { failure ??= `client write: ${e.message}`; });
    s.readAll().then((d) => { echoed[i] = d; }, (e) => { failure ??= `client read: ${e.message}`; });
  });

  const start = clock.now();
  const done = await runUntil(clock, () => failure !== null || echoed.every(Boolean), opts.virtualLimitUs ?? 300_000_000);
  const result: TransferResult = {
    ok: done && failure === null && echoed.every(Boolean),
    reason: failure ?? (done ? undefined : 'did not finish within the virtual time limit'),
    virtualMs: (clock.now() - start) / 1000,
    sentHashes: payloads.map(sha),
    echoedHashes: echoed.map((e) => (e ? sha(e) : '')),
    maxAmplification: amp.maxRatio,
    addressValidated: amp.validated,
    cwnd: { checked: cw.checked, overReported: cw.overReported, overOutside: cw.overOutside, unopened: cw.unopened, maxRatio: cw.maxRatio, worst: cw.worst },
    clientStats: conn.stats(),
    serverStats: (serverConn as QuicConnection | null)?.stats() ?? null,
  };
  let closed = false;
  conn.close(0, 'done').then(() => { closed = true; });
  await runUntil(clock, () => closed, 30_000_000, 100_000);
  client.close().catch(() => undefined);
  server.close().catch(() => undefined);
  return result;
}
