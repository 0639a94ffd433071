// 0-RTT end to end over the simulator (RFC 9001 §4.6, RFC 9000 §7.4.1): a resumed
// client sends its request in 0-RTT packets under the limits the server gave the earlier
// connection; the server reads it before the handshake completes; a rejection (early data
// off, a ticket from another server, a ticket used twice, lowered limits) loses nothing;
// a 0-RTT packet with a frame Table 3 forbids there closes with PROTOCOL_VIOLATION.
// What went in 0-RTT packets is read from both ends' qlog (packet types and frames).
import { createHash } from 'node:crypto';
import { makeSim, runUntil, cert, type SimOptions } from './sim';
import { MemoryQlog } from '../../host/transport/qlog/sink';
import { SessionTicketIssuer, encodeSessionTicket, decodeSessionTicket, type SessionTicket } from '../../host/tls/engine';
import { Suite } from '../../host/crypto/suites';
import { packetKeyMaterial, QUIC_V1 } from '../../host/crypto/quic-keys';
import { nodeCryptoProvider } from '../../host/crypto/node-provider';
import { QuicArgumentError } from '../../host/errors';
import type { QuicConnection } from '../../host/transport/connection';
import type { QuicStream } from '../../host/transport/stream';
import type { ConnectOptions } from '../../host/transport/create';

const sha = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');
const bytes = (n: number, k: number) => new Uint8Array(n).map((_, i) => (i * k + (i >> 8)) & 0xff);

type Sim = ReturnType<typeof makeSim>;
interface QlogEvent { name: string; data: { header?: { packet_type: string }; frames?: { frame_type: string; stream_id?: number; offset?: number; length?: number }[] } }

function events(log: MemoryQlog, vantage: 'client' | 'server'): QlogEvent[] {
  const out: QlogEvent[] = [];
  for (const [key, t] of log.traces) {
    if (!key.endsWith(`_${vantage}`)) continue;
    for (const r of t.records.slice(1)) out.push(JSON.parse(r.replace(/^\x1e/, '')));
  }
  return out;
}

/** Stream frames in 0-RTT packets (sent by the client, or received by the server). */
function earlyStreamFrames(log: MemoryQlog, vantage: 'client' | 'server') {
  const name = vantage === 'client' ? 'quic:packet_sent' : 'quic:packet_received';
  return events(log, vantage)
    .filter((e) => e.name === name && e.data.header?.packet_type === '0RTT')
    .flatMap((e) => e.data.frames ?? [])
    .filter((f) => f.frame_type === 'stream');
}

/** A sim whose endpoints log qlog in memory; `server.earlyData` on unless told otherwise. */
function sim0(seed: number, opts: SimOptions = {}) {
  const clientLog = new MemoryQlog();
  const serverLog = new MemoryQlog();
  // A 10 ms one-way delay: the handshake takes real (virtual) time, so that what happens
  // before it completes can be observed.
  const sim = makeSim({
    seed, ...opts,
    aToB: { delayUs: 10_000, ...opts.aToB }, bToA: { delayUs: 10_000, ...opts.bToA },
    client: { qlog: { sink: clientLog.factory }, tls: { alpn: ['test'], cipherSuites: [Suite.Aes128Gcm] }, ...opts.client },
    server: { qlog: { sink: serverLog.factory }, earlyData: true, ...opts.server },
  });
  return { ...sim, clientLog, serverLog };
}

/** A full connection that yields a ticket, then closes. */
async function ticketFrom(sim: Sim): Promise<SessionTicket> {
  const conn = sim.client.connectTo(0, { serverName: 'localhost', trustAnchors: [cert.chain[0]] });
  sim.server.accept().then((s) => s.acceptStream().catch(() => undefined), () => undefined);
  let ticket: SessionTicket | null | undefined;
  conn.sessionTicket.then((t) => { ticket = t; });
  expect(await runUntil(sim.clock, () => ticket !== undefined)).toBe(true);
  expect(ticket).not.toBeNull();
  let closed = false;
  conn.close(0, 'done').then(() => { closed = true; });
  await runUntil(sim.clock, () => closed);
  return ticket!;
}

interface EchoResult {
  client: QuicConnection;
  server: QuicConnection;
  echoed: Uint8Array;
  serverGot: Uint8Array;
  /** What the server knew when it had read the whole request. */
  atRead: { handshakeDone: boolean; early: boolean; state: string };
  earlyEvents: string[];
}

/**
 * Resumes with `session` and 0-RTT: the client opens a stream and writes `request` at
 * once (before the handshake), the server echoes it.
 */
async function echo0rtt(sim: Sim, session: SessionTicket | Uint8Array, request: Uint8Array, extra: ConnectOptions = {}): Promise<EchoResult> {
  let server: QuicConnection | null = null;
  let serverGot: Uint8Array | null = null;
  let atRead: EchoResult['atRead'] | null = null;
  sim.server.accept().then((c) => {
    server = c;
    c.acceptStream().then(async (s: QuicStream) => {
      const got = await s.readAll();
      atRead = { handshakeDone: c.handshakeInfo !== null, early: s.early, state: c.state };
      serverGot = got;
      await s.end(got);
    }, () => undefined);
  }, () => undefined);
  const client = sim.client.connectTo(0, { serverName: 'localhost', trustAnchors: [cert.chain[0]], session, earlyData: true, ...extra });
  const earlyEvents: string[] = [];
  client.on('earlydata', (e) => earlyEvents.push(e.state));
  expect(client.earlyData).toBe('offered');
  expect(client.handshakeInfo).toBeNull();
  const s = client.openStream();
  let echoed: Uint8Array | null = null;
  s.readAll().then((d) => { echoed = d; }, () => undefined);
  void s.end(request);
  expect(await runUntil(sim.clock, () => echoed !== null && client.handshakeInfo !== null && (server as QuicConnection | null)?.handshakeInfo != null)).toBe(true);
  return { client, server: server!, echoed: echoed!, serverGot: serverGot!, atRead: atRead!, earlyEvents };
}

describe('0-RTT accepted', () => {
  test('the request leaves in 0-RTT packets; the server reads it before the handshake completes; the echo is byte-exact', async () => {
    const sim = sim0(61);
    const ticket = await ticketFrom(sim);
    expect(ticket.maxEarlyData).toBe(0xffffffff);
    const request = bytes(3000, 7);
    const r = await echo0rtt(sim, ticket, request);
    expect(sha(r.serverGot)).toBe(sha(request));
    expect(sha(r.echoed)).toBe(sha(request));
    // The server had the whole request while its handshake was still going on.
    expect(r.atRead).toEqual({ handshakeDone: false, early: true, state: 'handshaking' });
    expect(r.client.earlyData).toBe('accepted');
    expect(r.earlyEvents).toEqual(['accepted']);
    expect(r.client.handshakeInfo).toMatchObject({ resumed: true, earlyDataAccepted: true });
    expect(r.server.handshakeInfo).toMatchObject({ resumed: true, earlyDataAccepted: true });
    expect(r.server.earlyData).toBe('accepted');
    // From the wire: the request's bytes went in 0-RTT packets and were read from them.
    const sent = earlyStreamFrames(sim.clientLog, 'client');
    const received = earlyStreamFrames(sim.serverLog, 'server');
    expect(sent.reduce((n, f) => n + f.length!, 0)).toBe(request.length);
    expect(received.reduce((n, f) => n + f.length!, 0)).toBe(request.length);
  });

  test('the session stored as bytes (encodeSessionTicket) works the same, token field included', async () => {
    const sim = sim0(62);
    const ticket = await ticketFrom(sim);
    const stored = encodeSessionTicket({ ...ticket, addressToken: Uint8Array.of(1, 2, 3) });
    expect(decodeSessionTicket(stored).addressToken).toEqual(Uint8Array.of(1, 2, 3));
    // Only what a client may remember (RFC 9000 §7.4.1): no reset token (0x02), no CIDs (0x00, 0x0f);
    // version_information (0x11) names the ticket's QUIC version (RFC 9369 §5).
    expect(decodeSessionTicket(stored).peerTransportParameters).toEqual(ticket.peerTransportParameters);
    expect(paramIds(ticket.peerTransportParameters).every((id) => [0x01, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08, 0x09, 0x0c, 0x0e, 0x11, 0x20].includes(id))).toBe(true);
    expect(paramIds(ticket.peerTransportParameters)).toContain(0x04);
    const r = await echo0rtt(sim, stored, bytes(100, 3));
    expect(r.client.earlyData).toBe('accepted');
    expect(sha(r.echoed)).toBe(sha(bytes(100, 3)));
    expect(() => sim.client.connectTo(0, { session: Uint8Array.of(9, 9, 9), earlyData: true })).toThrow(QuicArgumentError);
  });

  test.each([
    ['stream flow control', { initialMaxData: 50_000, initialMaxStreamDataBidiRemote: 3000 }, 3000],
    ['connection flow control', { initialMaxData: 2000, initialMaxStreamDataBidiRemote: 3000 }, 2000],
  ])('the client stays within the remembered %s in 0-RTT; the rest follows in 1-RTT', async (_what, serverTransport, limit) => {
    const sim = sim0(63, { serverTransport });
    const ticket = await ticketFrom(sim);
    const request = bytes(20_000, 11);
    const r = await echo0rtt(sim, ticket, request);
    expect(r.client.earlyData).toBe('accepted');
    expect(sha(r.echoed)).toBe(sha(request));
    const sent = earlyStreamFrames(sim.clientLog, 'client');
    expect(Math.max(...sent.map((f) => f.offset! + f.length!))).toBe(limit); // the remembered limit binds exactly
  });

  test('stream count: a third bidirectional stream cannot open before the handshake when the ticket allowed two', async () => {
    const sim = sim0(64, { serverTransport: { initialMaxStreamsBidi: 2 } });
    const ticket = await ticketFrom(sim);
    const client = sim.client.connectTo(0, { serverName: 'localhost', trustAnchors: [cert.chain[0]], session: ticket, earlyData: true });
    client.openStream();
    client.openStream();
    expect(() => client.openStream()).toThrow(expect.objectContaining({ quicCode: 0x04 })); // STREAM_LIMIT_ERROR
  });
});

describe('0-RTT rejected: nothing lost, all of it sent again in 1-RTT', () => {
  const request = bytes(40_000, 13);

  async function rejected(r: EchoResult, sim: ReturnType<typeof sim0>) {
    expect(sha(r.serverGot)).toBe(sha(request));
    expect(sha(r.echoed)).toBe(sha(request));
    expect(r.client.earlyData).toBe('rejected');
    expect(r.earlyEvents).toEqual(['rejected']);
    expect(r.client.handshakeInfo!.earlyDataAccepted).toBe(false);
    expect(r.atRead.early).toBe(false);
    expect(r.atRead.handshakeDone).toBe(true);
    // The client did send 0-RTT packets with stream data; the server read none of them.
    expect(earlyStreamFrames(sim.clientLog, 'client').length).toBeGreaterThan(0);
    expect(earlyStreamFrames(sim.serverLog, 'server')).toEqual([]);
  }

  test('the server has earlyData off (same ticket keys): resumed, early data refused', async () => {
    const issuer = new SessionTicketIssuer();
    const a = sim0(71, { server: { sessionTickets: issuer } });
    const ticket = await ticketFrom(a);
    const b = sim0(72, { server: { sessionTickets: issuer, earlyData: false } });
    const r = await echo0rtt(b, ticket, request);
    await rejected(r, b);
    expect(r.client.handshakeInfo!.resumed).toBe(true);
    expect(r.server.handshakeInfo!.earlyDataRejected).toBe('early data is not enabled on this server');
    expect(r.server.earlyData).toBe('rejected');
  });

  test("a ticket from another server: a full handshake, early data refused", async () => {
    const ticket = await ticketFrom(sim0(73));
    const b = sim0(74);
    const r = await echo0rtt(b, ticket, request);
    await rejected(r, b);
    expect(r.client.handshakeInfo!.resumed).toBe(false);
  });

  test('the same ticket twice: the second 0-RTT is refused (single use), its data still arrives', async () => {
    const sim = sim0(75);
    const ticket = await ticketFrom(sim);
    const first = await echo0rtt(sim, ticket, bytes(500, 5));
    expect(first.client.earlyData).toBe('accepted');
    const serverLogBefore = earlyStreamFrames(sim.serverLog, 'server').length;
    const again = await echo0rtt(sim, ticket, request);
    expect(sha(again.echoed)).toBe(sha(request));
    expect(again.client.earlyData).toBe('rejected');
    expect(again.server.handshakeInfo!.earlyDataRejected).toMatch(/already used/);
    expect(earlyStreamFrames(sim.serverLog, 'server').length).toBe(serverLogBefore);
  });

  test('a server whose limits went down since the ticket refuses 0-RTT (RFC 9000 §7.4.1)', async () => {
    const issuer = new SessionTicketIssuer();
    const a = sim0(76, { server: { sessionTickets: issuer }, serverTransport: { initialMaxData: 200_000 } });
    const ticket = await ticketFrom(a);
    const b = sim0(77, { server: { sessionTickets: issuer }, serverTransport: { initialMaxData: 100_000 } });
    const r = await echo0rtt(b, ticket, request);
    await rejected(r, b);
    expect(r.server.handshakeInfo!.earlyDataRejected).toBe('refused by the application');
  });

  test('a HelloRetryRequest rejects the 0-RTT already sent (RFC 9846 §4.2.10): resent in 1-RTT', async () => {
    // The client's first key share is x25519; this server takes only P-256: a HelloRetryRequest every time.
    const sim = sim0(80, { server: { tls: { alpn: ['test'], groups: ['secp256r1'] } } });
    const ticket = await ticketFrom(sim);
    const r = await echo0rtt(sim, ticket, request);
    await rejected(r, sim);
    expect(r.client.handshakeInfo!.resumed).toBe(true);
    expect(r.server.handshakeInfo!.earlyDataRejected).toBe('HelloRetryRequest');
  });

  test('rejected under loss: still byte-exact', async () => {
    const issuer = new SessionTicketIssuer();
    const a = sim0(78, { server: { sessionTickets: issuer } });
    const ticket = await ticketFrom(a);
    const b = sim0(79, { server: { sessionTickets: issuer, earlyData: false }, aToB: { loss: 0.1 }, bToA: { loss: 0.1 } });
    const r = await echo0rtt(b, ticket, request);
    expect(sha(r.echoed)).toBe(sha(request));
    expect(r.client.earlyData).toBe('rejected');
  });
});

describe('0-RTT packets carry only what Table 3 allows', () => {
  // The key log must be the client endpoint's: make the sim with it.
  function sim0WithKeyLog(seed: number, keyLog: (l: string) => void) {
    return sim0(seed, { client: { tls: { alpn: ['test'], cipherSuites: [Suite.Aes128Gcm], keyLog } } });
  }

  async function forged(seed: number, frames: number[]) {
    let secret: Uint8Array | null = null;
    const sim = sim0WithKeyLog(seed, (line) => {
      const [label, , s] = line.split(' ');
      if (label === 'CLIENT_EARLY_TRAFFIC_SECRET') secret = Uint8Array.from(Buffer.from(s, 'hex'));
    });
    const ticket = await ticketFrom(sim);
    const end = sim.pair.a as unknown as { send(d: Uint8Array, p: number): void };
    const send = end.send.bind(end);
    let injected = false;
    end.send = (d: Uint8Array, p: number) => {
      send(d, p);
      if (injected || (d[0] & 0xf0) !== 0xc0 || !secret) return; // after the first Initial, once 0-RTT keys exist
      injected = true;
      const dcid = d.slice(6, 6 + d[5]);
      const scidLen = d[6 + d[5]];
      const scid = d.slice(7 + d[5], 7 + d[5] + scidLen);
      send(seal0rtt(secret, dcid, scid, 1000, Uint8Array.from(frames)), p);
    };
    const client = sim.client.connectTo(0, { serverName: 'localhost', trustAnchors: [cert.chain[0]], session: ticket, earlyData: true });
    client.established.catch(() => undefined);
    let info: { code: number; byPeer: boolean } | null = null;
    client.on('close', (c) => { info = c; });
    let server: QuicConnection | null = null;
    sim.server.accept().then((c) => { server = c; }, () => undefined);
    await runUntil(sim.clock, () => info !== null || (client.handshakeInfo !== null && server !== null), 5_000_000);
    expect(injected).toBe(true);
    return { client, info: info as { code: number; byPeer: boolean } | null };
  }

  test.each([
    ['HANDSHAKE_DONE', [0x1e]],
    ['ACK', [0x02, 0x00, 0x00, 0x00, 0x00]],
    ['NEW_TOKEN', [0x07, 0x01, 0xaa]],
    ['CRYPTO', [0x06, 0x00, 0x01, 0x00]],
  ])('%s in a 0-RTT packet: the server closes with PROTOCOL_VIOLATION', async (_name, frames) => {
    const r = await forged(81, frames as number[]);
    expect(r.info).toMatchObject({ code: 0x0a, byPeer: true });
  });

  test('control: the same forged packet with a PING is accepted (the forging itself is sound)', async () => {
    const r = await forged(82, [0x01]);
    expect(r.info).toBeNull();
    expect(r.client.handshakeInfo).toMatchObject({ earlyDataAccepted: true });
  });
});

/** The ids of encoded transport parameters (RFC 9000 §18). */
function paramIds(b: Uint8Array): number[] {
  const ids: number[] = [];
  const v = (at: number): [number, number] => {
    const len = 1 << (b[at] >> 6);
    let x = b[at] & 0x3f;
    for (let i = 1; i < len; i++) x = x * 256 + b[at + i];
    return [x, at + len];
  };
  for (let at = 0; at < b.length;) {
    const [id, a1] = v(at);
    const [len, a2] = v(a1);
    ids.push(id);
    at = a2 + len;
  }
  return ids;
}

/** A client 0-RTT packet (RFC 9000 §17.2.3) with AES-128-GCM keys from `secret`, padded for the header-protection sample. */
function seal0rtt(secret: Uint8Array, dcid: Uint8Array, scid: Uint8Array, pn: number, frames: Uint8Array): Uint8Array {
  const m = packetKeyMaterial(QUIC_V1, Suite.Aes128Gcm, secret);
  const payload = new Uint8Array(Math.max(frames.length, 20));
  payload.set(frames); // the rest is PADDING
  const length = 4 + payload.length + 16;
  const header = Uint8Array.from([0xc0 | (1 << 4) | 0x03, 0, 0, 0, 1, dcid.length, ...dcid, scid.length, ...scid,
    0x40 | (length >> 8), length & 0xff, pn >>> 24, (pn >>> 16) & 0xff, (pn >>> 8) & 0xff, pn & 0xff]);
  const buf = new Uint8Array(header.length + payload.length + 16);
  buf.set(header);
  buf.set(payload, header.length);
  nodeCryptoProvider.createPacketProtector(Suite.Aes128Gcm, m.key, m.iv).seal(buf, pn, 0, header.length, payload.length);
  const pnOffset = header.length - 4;
  const mask = new Uint8Array(5);
  nodeCryptoProvider.createHeaderProtector(Suite.Aes128Gcm, m.hp).mask(buf, pnOffset + 4, mask, 0);
  buf[0] ^= mask[0] & 0x0f;
  for (let i = 0; i < 4; i++) buf[pnOffset + i] ^= mask[1 + i];
  return buf;
}
