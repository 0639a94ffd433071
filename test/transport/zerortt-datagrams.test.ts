// Datagrams (RFC 9221) in 0-RTT: a client resuming with earlyData may send datagrams
// before the handshake completes, within the max_datagram_frame_size remembered with the
// ticket (RFC 9221 §3; a server that accepts 0-RTT keeps at least that). Accepted: the
// server delivers them. Rejected: they are not sent again (unreliable, §5.2) and each
// tracked one is reported 'lost' (its packet never counted). Read from both qlogs.
import { makeSim, runUntil, cert, watch, type SimOptions } from './sim';
import { MemoryQlog } from '../../host/transport/qlog/sink';
import { SessionTicketIssuer, type SessionTicket } from '../../host/tls/engine';
import type { QuicConnection } from '../../host/transport/connection';
import type { DatagramOutcome } from '../../host/transport/datagrams';

type Sim = ReturnType<typeof sim0>;

/** Distinct content per index, so that a mix-up shows. */
const payload = (i: number, len: number) => Uint8Array.from({ length: len }, (_, k) => (i * 31 + k * 7 + 3) & 0xff);

/** A sim with qlog in memory, 10 ms each way, datagrams and 0-RTT on at both ends unless told otherwise. */
function sim0(seed: number, opts: SimOptions = {}) {
  const clientLog = new MemoryQlog();
  const serverLog = new MemoryQlog();
  const sim = makeSim({
    seed, ...opts, aToB: { delayUs: 10_000 }, bToA: { delayUs: 10_000 },
    client: { qlog: { sink: clientLog.factory }, datagrams: {}, ...opts.client },
    server: { qlog: { sink: serverLog.factory }, earlyData: true, datagrams: {}, ...opts.server },
  });
  return { ...sim, clientLog, serverLog };
}

/** Lengths of the DATAGRAM frames in packets sent (client) or received (server), by packet type. */
function datagramFrames(log: MemoryQlog, vantage: 'client' | 'server', packetType: '0RTT' | '1RTT'): number[] {
  const name = vantage === 'client' ? 'quic:packet_sent' : 'quic:packet_received';
  const out: number[] = [];
  for (const [key, t] of log.traces) {
    if (!key.endsWith(`_${vantage}`)) continue;
    for (const r of t.records.slice(1)) {
      const e = JSON.parse(r.replace(/^\x1e/, ''));
      if (e.name !== name || e.data.header?.packet_type !== packetType) continue;
      for (const f of e.data.frames ?? []) if (f.frame_type === 'datagram') out.push(f.length);
    }
  }
  return out;
}

async function ticketFrom(sim: Sim): Promise<SessionTicket> {
  const conn = sim.client.connectTo(0, { serverName: 'localhost', trustAnchors: [cert.chain[0]] });
  sim.server.accept().catch(() => undefined);
  let ticket: SessionTicket | null | undefined;
  conn.sessionTicket.then((t) => { ticket = t; });
  expect(await runUntil(sim.clock, () => ticket !== undefined)).toBe(true);
  let closed = false;
  conn.close(0, 'done').then(() => { closed = true; });
  await runUntil(sim.clock, () => closed);
  return ticket!;
}

/** Resumes with 0-RTT and sends `count` tracked datagrams at once; runs until the handshake and every outcome are in. */
async function early(sim: Sim, ticket: SessionTicket, count: number) {
  const atServer: Uint8Array[] = [];
  let server: QuicConnection | null = null;
  sim.server.accept().then((c) => { server = c; c.on('datagram', (d) => atServer.push(d)); }, () => undefined);
  const client = sim.client.connectTo(0, { serverName: 'localhost', trustAnchors: [cert.chain[0]], session: ticket, earlyData: true });
  expect(client.earlyData).toBe('offered');
  const maxBefore = client.maxDatagramSize;
  const outcomes = watch(Promise.all(Array.from({ length: count }, (_, i) => client.sendDatagram(payload(i, 100 + i), { track: true }))));
  expect(await runUntil(sim.clock, () => outcomes.done && client.handshakeInfo !== null && server !== null)).toBe(true);
  await runUntil(sim.clock, () => false, 200_000); // whatever was still on its way
  return { client, server: server! as QuicConnection, atServer, outcomes: outcomes.value as DatagramOutcome[], maxBefore };
}

describe('datagrams in 0-RTT (RFC 9221 §3)', () => {
  test('accepted: they leave in 0-RTT packets, the server delivers them byte-exact, each is acknowledged', async () => {
    const sim = sim0(91);
    const ticket = await ticketFrom(sim);
    const r = await early(sim, ticket, 5);
    expect(r.maxBefore).toBeGreaterThan(1000); // the remembered 65535, within one 1200-byte packet
    expect(r.client.earlyData).toBe('accepted');
    expect(r.outcomes).toEqual(Array(5).fill('acked'));
    expect(r.atServer.map((d, i) => Buffer.compare(d, payload(i, 100 + i)))).toEqual(Array(5).fill(0));
    expect(datagramFrames(sim.clientLog, 'client', '0RTT')).toEqual([100, 101, 102, 103, 104]);
    expect(datagramFrames(sim.serverLog, 'server', '0RTT')).toEqual([100, 101, 102, 103, 104]);
    expect(r.server.datagramStats()).toMatchObject({ received: 5 });
  });

  test('rejected: not sent again, each tracked one reported lost, the server delivers none', async () => {
    const issuer = new SessionTicketIssuer();
    const ticket = await ticketFrom(sim0(92, { server: { sessionTickets: issuer } }));
    const sim = sim0(93, { server: { sessionTickets: issuer, earlyData: false } });
    const r = await early(sim, ticket, 4);
    expect(r.client.earlyData).toBe('rejected');
    expect(r.outcomes).toEqual(Array(4).fill('lost'));
    expect(r.atServer).toEqual([]);
    expect(datagramFrames(sim.clientLog, 'client', '0RTT').length).toBe(4);
    expect(datagramFrames(sim.clientLog, 'client', '1RTT')).toEqual([]); // never resent
    expect(r.client.datagramStats()).toMatchObject({ sent: 4, lost: 4, acked: 0 });
    expect(r.server.datagramStats()).toMatchObject({ received: 0 });
    // The connection itself carries datagrams in 1-RTT as usual afterwards.
    const late = watch(r.client.sendDatagram('after', { track: true }));
    expect(await runUntil(sim.clock, () => late.done)).toBe(true);
    expect(late.value).toBe('acked');
  });

  test('the remembered limit binds before the handshake: a smaller max_datagram_frame_size, or none', async () => {
    const issuer = new SessionTicketIssuer();
    const small = sim0(94, { server: { sessionTickets: issuer, datagrams: { maxFrameSize: 300 } } });
    const t1 = await ticketFrom(small);
    const c1 = small.client.connectTo(0, { serverName: 'localhost', trustAnchors: [cert.chain[0]], session: t1, earlyData: true });
    expect(c1.earlyData).toBe('offered');
    expect(c1.maxDatagramSize).toBe(297); // 300 less the frame's type and Length
    expect(() => c1.sendDatagram(new Uint8Array(298))).toThrow(expect.objectContaining({ code: 'ERR_QUIC_DATAGRAM_TOO_LARGE' }));
    c1.sendDatagram(new Uint8Array(297));

    const none = sim0(95, { server: { datagrams: undefined } });
    const t2 = await ticketFrom(none);
    const c2 = none.client.connectTo(0, { serverName: 'localhost', trustAnchors: [cert.chain[0]], session: t2, earlyData: true });
    expect(c2.earlyData).toBe('offered');
    expect(c2.maxDatagramSize).toBe(0);
    expect(() => c2.sendDatagram('x')).toThrow(expect.objectContaining({ code: 'ERR_QUIC_DATAGRAM_UNSUPPORTED' }));
  });

  test('without earlyData a datagram before the handshake is still refused', async () => {
    const sim = sim0(96);
    const ticket = await ticketFrom(sim);
    const c = sim.client.connectTo(0, { serverName: 'localhost', trustAnchors: [cert.chain[0]], session: ticket });
    expect(() => c.sendDatagram('x')).toThrow(expect.objectContaining({ code: 'ERR_QUIC_NOT_ESTABLISHED' }));
  });
});
