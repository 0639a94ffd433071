// QUIC v2 (RFC 9369) between our own endpoints, and compatible version negotiation
// (RFC 9368) from v1 to v2, checked on the wire: a tap on each end of the simulated link
// reads the version and type of every long-header packet.
import { createHash } from 'node:crypto';
import { makeSim, connectSim, runUntil, cert, type SimOptions } from './sim';
import { QUIC_V1, QUIC_V2 } from '../../host/transport/endpoint';
import { createTlsClient, SessionTicketIssuer } from '../../host/tls/engine';
import type { QuicConnection } from '../../host/transport/connection';
import type { SessionTicket } from '../../host/tls/session-ticket';
import type { ConnectOptions } from '../../host/transport/create';
import { transportParameterEntries } from '../../host/transport/transport-params';

const TYPES_V1 = ['Initial', '0-RTT', 'Handshake', 'Retry'];
const TYPES_V2 = ['Retry', 'Initial', '0-RTT', 'Handshake']; // RFC 9369 §3.2

/** "v2 Initial", "v1 Handshake", ... for each long-header packet of a datagram (coalesced ones too). */
export function longHeaders(d: Uint8Array): string[] {
  const out: string[] = [];
  let p = 0;
  const varint = () => {
    const len = 1 << (d[p] >> 6);
    let v = d[p] & 0x3f;
    for (let i = 1; i < len; i++) v = v * 256 + d[p + i];
    p += len;
    return v;
  };
  while (p < d.length && d[p] & 0x80) {
    const version = new DataView(d.buffer, d.byteOffset + p + 1, 4).getUint32(0);
    const bits = (d[p] >> 4) & 3;
    const name = version === QUIC_V2 ? `v2 ${TYPES_V2[bits]}` : version === QUIC_V1 ? `v1 ${TYPES_V1[bits]}` : `0x${version.toString(16)}`;
    out.push(name);
    if (version !== QUIC_V1 && version !== QUIC_V2) break;
    p += 5;
    p += 1 + d[p];
    p += 1 + d[p];
    if (name.endsWith('Retry')) break;
    // (`p += varint()` would add to the p read before varint() moved it.)
    if (name.endsWith('Initial')) { const token = varint(); p += token; }
    const length = varint();
    p += length;
  }
  return out;
}

/** The length of the first (long-header) packet of a datagram. */
function firstPacketLength(d: Uint8Array): number {
  let p = 5;
  p += 1 + d[p];
  p += 1 + d[p];
  const varint = () => { const len = 1 << (d[p] >> 6); let v = d[p] & 0x3f; for (let i = 1; i < len; i++) v = v * 256 + d[p + i]; p += len; return v; };
  const bits = (d[0] >> 4) & 3;
  const version = new DataView(d.buffer, d.byteOffset + 1, 4).getUint32(0);
  if ((version === QUIC_V2 ? TYPES_V2 : TYPES_V1)[bits] === 'Initial') { const t = varint(); p += t; }
  const length = varint();
  return p + length;
}

/** A simulator whose two ends record the long-header packets they send. */
function tappedSim(opts: SimOptions) {
  const sim = makeSim(opts);
  const seen = { client: [] as string[], server: [] as string[] };
  for (const [end, log] of [[sim.pair.a, seen.client], [sim.pair.b, seen.server]] as const) {
    const send = end.send.bind(end);
    end.send = (d: Uint8Array, p?: number) => { log.push(...longHeaders(d)); send(d, p); };
  }
  return { ...sim, seen };
}

const sha = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');

/** Both directions of `size` bytes on one stream, compared by hash. */
async function echo(sim: ReturnType<typeof makeSim>, client: QuicConnection, server: QuicConnection, size: number, duringTransfer?: () => void) {
  const up = new Uint8Array(size).map((_, i) => (i * 31 + 7) & 0xff);
  let serverGot: Uint8Array | null = null;
  let clientGot: Uint8Array | null = null;
  server.acceptStream().then(async (s) => { serverGot = await s.readAll(); await s.end(serverGot); });
  const s = client.openStream();
  void s.end(up);
  s.readAll().then((d) => { clientGot = d; });
  duringTransfer?.();
  expect(await runUntil(sim.clock, () => serverGot !== null && clientGot !== null)).toBe(true);
  expect(sha(serverGot!)).toBe(sha(up));
  expect(sha(clientGot!)).toBe(sha(up));
}

describe('QUIC v2 between quicwasm endpoints', () => {
  test('handshake, byte-exact transfer and key updates, every long header in v2 (server with default versions)', async () => {
    const sim = tappedSim({ seed: 3, aToB: { delayUs: 5000, loss: 0.02 }, bToA: { delayUs: 5000, loss: 0.02 } });
    const pair = await connectSim(sim, { version: QUIC_V2 });
    expect(pair).not.toBeNull();
    const { client, server } = pair!;
    expect(client.version).toBe(QUIC_V2);
    expect(server.version).toBe(QUIC_V2);
    let asks = 0;
    await echo(sim, client, server, 600_000, () => {
      const tick = () => {
        if (asks >= 6) return;
        if (asks++ % 2 === 0) client.updateKeys(); else server.updateKeys();
        sim.clock.setTimer(sim.clock.now() + 30_000, tick);
      };
      sim.clock.setTimer(sim.clock.now() + 30_000, tick);
    });
    await runUntil(sim.clock, () => false, 500_000);
    expect(client.stats().keyUpdates).toBeGreaterThanOrEqual(2);
    expect(client.stats().keyUpdates).toBe(server.stats().keyUpdates);
    expect(new Set(sim.seen.client)).toEqual(new Set(['v2 Initial', 'v2 Handshake']));
    expect(new Set(sim.seen.server)).toEqual(new Set(['v2 Initial', 'v2 Handshake']));
  });

  test('a server limited to v1 answers a v2 attempt with Version Negotiation listing v1', async () => {
    const sim = tappedSim({ server: { versions: [QUIC_V1] } });
    const conn = sim.client.connectTo(0, { serverName: 'localhost', trustAnchors: [cert.chain[0]], version: QUIC_V2 });
    let err = null as (Error & { code?: string }) | null;
    conn.established.catch((e) => { err = e; });
    await runUntil(sim.clock, () => err !== null, 5_000_000);
    expect(err!.code).toBe('ERR_QUIC_VERSION_NEGOTIATION');
    expect(err!.message).toMatch(/offers 0x00000001 among 1 versions|offers 0x00000001/);
    expect(sim.server.stats.connections).toBe(0);
  });
});

describe('compatible version negotiation (RFC 9368)', () => {
  test('a v1 first flight offering v2 is moved to v2 by a server that prefers it', async () => {
    const sim = tappedSim({ seed: 5, aToB: { delayUs: 5000 }, bToA: { delayUs: 5000 }, server: { versions: [QUIC_V2, QUIC_V1] } });
    const pair = await connectSim(sim, { version: QUIC_V1 });
    expect(pair).not.toBeNull();
    const { client, server } = pair!;
    expect(client.version).toBe(QUIC_V2);
    expect(server.version).toBe(QUIC_V2);
    // The client's first flight is v1; everything the server sends is v2 (RFC 9369 §4:
    // all CRYPTO frames in the negotiated version), and the client follows.
    expect(sim.seen.client[0]).toBe('v1 Initial');
    expect(sim.seen.server.length).toBeGreaterThan(0);
    expect(sim.seen.server.every((p) => p.startsWith('v2 '))).toBe(true);
    expect(sim.seen.server).toContain('v2 Handshake');
    expect(sim.seen.client).toContain('v2 Handshake');
    expect(sim.seen.client.filter((p) => p.endsWith('Handshake')).every((p) => p.startsWith('v2 '))).toBe(true);
    await echo(sim, client, server, 200_000);
  });

  test('the switch survives loss of the first flights', async () => {
    for (const seed of [11, 12, 13]) {
      const sim = tappedSim({ seed, aToB: { delayUs: 5000, loss: 0.25 }, bToA: { delayUs: 5000, loss: 0.25 }, server: { versions: [QUIC_V2, QUIC_V1] } });
      const pair = await connectSim(sim, { version: QUIC_V1 });
      expect(pair).not.toBeNull();
      expect(pair!.client.version).toBe(QUIC_V2);
      expect(pair!.server.version).toBe(QUIC_V2);
      await echo(sim, pair!.client, pair!.server, 50_000);
    }
  });

  test('a client offering only v1 stays on v1 with a v2-preferring server', async () => {
    const sim = tappedSim({ server: { versions: [QUIC_V2, QUIC_V1] }, client: { versions: [QUIC_V1] } });
    const pair = await connectSim(sim, { version: QUIC_V1 });
    expect(pair).not.toBeNull();
    expect(pair!.client.version).toBe(QUIC_V1);
    expect(pair!.server.version).toBe(QUIC_V1);
    expect(sim.seen.server.every((p) => p.startsWith('v1 '))).toBe(true);
    await echo(sim, pair!.client, pair!.server, 20_000);
  });

  test('by default a server keeps the client\'s choice: a v1 client offering v2 stays on v1', async () => {
    const sim = tappedSim({});
    const pair = await connectSim(sim);
    expect(pair!.client.version).toBe(QUIC_V1);
    expect(sim.seen.server.every((p) => p.startsWith('v1 '))).toBe(true);
  });

  test('a v2 first flight to a server preferring v1 is moved to v1', async () => {
    const sim = tappedSim({ server: { versions: [QUIC_V1, QUIC_V2] } });
    const pair = await connectSim(sim, { version: QUIC_V2 });
    expect(pair!.client.version).toBe(QUIC_V1);
    expect(pair!.server.version).toBe(QUIC_V1);
    expect(sim.seen.client[0]).toBe('v2 Initial');
    expect(sim.seen.server.every((p) => p.startsWith('v1 '))).toBe(true);
  });

  test('endpoint versions are checked', () => {
    expect(() => makeSim({ server: { versions: [QUIC_V1, 0x12345678] } })).toThrow(/versions must list/);
    expect(() => makeSim({ client: { versions: [QUIC_V1, QUIC_V1] } })).toThrow(/versions must list/);
    expect(() => makeSim({ client: { versions: [] } })).toThrow(/versions must list/);
  });
});

// ---- downgrade protection (RFC 9368 §4) ------------------------------------------------

/** Encoded transport parameters with version_information (id 0x11) replaced by `chosen` + `available` (or removed when null). */
function withVersionInfo(tp: Uint8Array, info: { chosen: number; available: number[] } | null): Uint8Array {
  const out: number[] = [];
  let p = 0;
  const varint = () => {
    const start = p;
    const len = 1 << (tp[p] >> 6);
    let v = tp[p] & 0x3f;
    for (let i = 1; i < len; i++) v = v * 256 + tp[p + i];
    p += len;
    return { v, bytes: [...tp.subarray(start, p)] };
  };
  while (p < tp.length) {
    const id = varint();
    const len = varint();
    const body = [...tp.subarray(p, p + len.v)];
    p += len.v;
    if (id.v === 0x11) continue;
    out.push(...id.bytes, ...len.bytes, ...body);
  }
  if (info) {
    const vs = [info.chosen, ...info.available];
    out.push(0x11, vs.length * 4);
    for (const v of vs) out.push(v >>> 24, (v >>> 16) & 0xff, (v >>> 8) & 0xff, v & 0xff);
  }
  return Uint8Array.from(out);
}

/** Connects with the client's transport parameters rewritten; the error each end reports. */
async function forgedClient(info: { chosen: number; available: number[] } | null, serverVersions = [QUIC_V2, QUIC_V1]) {
  const sim = makeSim({ server: { versions: serverVersions } });
  let serverConn: QuicConnection | null = null;
  sim.server.accept().then((c) => { serverConn = c; }, () => undefined);
  const conn = sim.client.connect(0, (tp) => createTlsClient({ alpn: ['test'], serverName: 'localhost', trustAnchors: [cert.chain[0]], transportParameters: withVersionInfo(tp, info) }), QUIC_V1);
  let err = null as (Error & { code?: string; quicCode?: number }) | null;
  conn.established.catch((e) => { err = e; });
  await runUntil(sim.clock, () => err !== null || conn.handshakeInfo !== null, 5_000_000);
  return { err, conn, serverConn: serverConn as QuicConnection | null };
}

/** Connects with the server's transport parameters rewritten by `rewrite`. */
async function forgedServer(rewrite: (tp: Uint8Array) => Uint8Array, serverVersions = [QUIC_V2, QUIC_V1]) {
  const sim = makeSim({ server: { versions: serverVersions } });
  // The server endpoint's TLS factory, wrapped (test-only access to its private options).
  type Negotiator = { originalVersion: number; negotiateVersion(c: Uint8Array): Uint8Array; localTransportParameters(): Uint8Array };
  const opts = (sim.server as unknown as { options: { server: { tls: (n: Negotiator) => unknown } } }).options;
  const real = opts.server.tls;
  opts.server.tls = (n) => real({ originalVersion: n.originalVersion, negotiateVersion: (c: Uint8Array) => rewrite(n.negotiateVersion(c)), localTransportParameters: () => rewrite(n.localTransportParameters()) });
  const conn = sim.client.connectTo(0, { serverName: 'localhost', trustAnchors: [cert.chain[0]], version: QUIC_V1 });
  let err = null as (Error & { code?: string; quicCode?: number }) | null;
  conn.established.catch((e) => { err = e; });
  await runUntil(sim.clock, () => err !== null || conn.handshakeInfo !== null, 5_000_000);
  return { err, conn };
}

describe('version downgrade protection (RFC 9368 §4)', () => {
  test('the server refuses a Chosen Version that is not the version of the first flight: VERSION_NEGOTIATION_ERROR', async () => {
    const r = await forgedClient({ chosen: QUIC_V2, available: [QUIC_V2, QUIC_V1] });
    expect(r.err).not.toBeNull();
    expect(r.err!.quicCode).toBe(0x11);
    expect(r.conn.closeInfo?.code).toBe(0x11);
    expect(r.serverConn).toBeNull();
  });

  test('a Chosen Version missing from the client\'s Available Versions is a TRANSPORT_PARAMETER_ERROR', async () => {
    const r = await forgedClient({ chosen: QUIC_V1, available: [QUIC_V2] });
    expect(r.err!.quicCode).toBe(0x08);
  });

  test('a zero version or a length not a multiple of 4 is a TRANSPORT_PARAMETER_ERROR', async () => {
    expect((await forgedClient({ chosen: QUIC_V1, available: [QUIC_V1, 0] })).err!.quicCode).toBe(0x08);
    expect((await forgedClient({ chosen: 0, available: [QUIC_V1] })).err!.quicCode).toBe(0x08);
  });

  test('without version_information the server completes in the original version', async () => {
    const r = await forgedClient(null);
    expect(r.err).toBeNull();
    expect(r.conn.version).toBe(QUIC_V1);
  });

  test('the client refuses a server whose Chosen Version is not the version it switched to', async () => {
    // The server moves the client to v2 but claims (authenticated) it chose v1: forged long headers.
    const r = await forgedServer((tp) => withVersionInfo(tp, { chosen: QUIC_V1, available: [QUIC_V2, QUIC_V1] }));
    expect(r.err).not.toBeNull();
    expect(r.err!.quicCode).toBe(0x11);
    expect(r.conn.closeInfo?.code).toBe(0x11);
  });

  test('the client refuses a Chosen Version it never offered', async () => {
    const r = await forgedServer((tp) => withVersionInfo(tp, { chosen: 0x1a2a3a4a, available: [QUIC_V1] }), [QUIC_V1, QUIC_V2]);
    expect(r.err!.quicCode).toBe(0x11);
  });

  test('the client refuses a switched version the server does not authenticate (no version_information)', async () => {
    const r = await forgedServer((tp) => withVersionInfo(tp, null));
    expect(r.err!.quicCode).toBe(0x11);
  });

  test('a server without version_information on the original version is accepted', async () => {
    const r = await forgedServer((tp) => withVersionInfo(tp, null), [QUIC_V1, QUIC_V2]);
    expect(r.err).toBeNull();
    expect(r.conn.version).toBe(QUIC_V1);
  });
});

// ---- incompatible version negotiation followed by a new attempt (RFC 9368 §2.1, §4) ----

/** A Version Negotiation packet answering the client Initial `d` (DCID/SCID swapped, RFC 9000 §17.2.1). */
function versionNegotiation(d: Uint8Array, versions: number[]): Uint8Array {
  const dcid = d.subarray(6, 6 + d[5]);
  const scid = d.subarray(7 + d[5], 7 + d[5] + d[6 + d[5]]);
  const out = [0x80 | 0x2a, 0, 0, 0, 0, scid.length, ...scid, dcid.length, ...dcid];
  for (const v of versions) out.push(v >>> 24, (v >>> 16) & 0xff, (v >>> 8) & 0xff, v & 0xff);
  return Uint8Array.from(out);
}

/**
 * A v2 attempt answered by Version Negotiation (the real server's, or `forged` by an
 * attacker who drops the Initial), then the new attempt in the version it names.
 */
async function afterVersionNegotiation(opts: { serverVersions: number[]; clientVersions: number[]; forged?: number[] }) {
  const sim = makeSim({ server: { versions: opts.serverVersions }, client: { versions: opts.clientVersions } });
  if (opts.forged) {
    const send = sim.pair.a.send.bind(sim.pair.a);
    let first = true;
    sim.pair.a.send = (d: Uint8Array, p?: number) => {
      if (first && d[0] & 0x80) { first = false; (sim.pair.a as unknown as { deliver(b: Uint8Array): void }).deliver(versionNegotiation(d, opts.forged!)); return; }
      send(d, p);
    };
  }
  const options = { serverName: 'localhost', trustAnchors: [cert.chain[0]] };
  const first = sim.client.connectTo(0, { ...options, version: QUIC_V2 });
  let vnErr = null as (Error & { code?: string; mutualVersion?: number }) | null;
  first.established.catch((e) => { vnErr = e; });
  await runUntil(sim.clock, () => vnErr !== null, 5_000_000);
  expect(vnErr?.code).toBe('ERR_QUIC_VERSION_NEGOTIATION');
  const second = sim.client.connectTo(0, { ...options, version: vnErr!.mutualVersion, followsVersionNegotiation: true });
  let err = null as (Error & { quicCode?: number }) | null;
  second.established.catch((e) => { err = e; });
  await runUntil(sim.clock, () => err !== null || second.handshakeInfo !== null, 5_000_000);
  return { mutual: vnErr!.mutualVersion, conn: second, err };
}

describe('a new attempt after Version Negotiation (RFC 9368 §2.1, §4)', () => {
  test('a genuine Version Negotiation: the v1 attempt completes, the server\'s versions confirm it', async () => {
    const r = await afterVersionNegotiation({ serverVersions: [QUIC_V1], clientVersions: [QUIC_V2, QUIC_V1] });
    expect(r.mutual).toBe(QUIC_V1);
    expect(r.err).toBeNull();
    expect(r.conn.version).toBe(QUIC_V1);
  });

  test('a forged Version Negotiation hiding v2 from a v2-preferring client: VERSION_NEGOTIATION_ERROR', async () => {
    const r = await afterVersionNegotiation({ serverVersions: [QUIC_V1, QUIC_V2], clientVersions: [QUIC_V2, QUIC_V1], forged: [QUIC_V1] });
    expect(r.mutual).toBe(QUIC_V1);
    expect(r.err?.quicCode).toBe(0x11);
    expect(r.conn.closeInfo?.code).toBe(0x11);
  });

  test('the same forged packet is harmless when the client would have picked v1 anyway', async () => {
    const r = await afterVersionNegotiation({ serverVersions: [QUIC_V1, QUIC_V2], clientVersions: [QUIC_V1, QUIC_V2], forged: [QUIC_V1] });
    expect(r.err).toBeNull();
    expect(r.conn.version).toBe(QUIC_V1);
  });
});

describe('the server side of Version Negotiation', () => {
  test('a server answers a version it does not accept, never a Version Negotiation packet', async () => {
    const sim = makeSim({ server: { versions: [QUIC_V1] } });
    const out: Uint8Array[] = [];
    const send = sim.pair.b.send.bind(sim.pair.b);
    sim.pair.b.send = (d: Uint8Array, p?: number) => { out.push(d.slice()); send(d, p); };
    const server = sim.pair.b as unknown as { deliver(b: Uint8Array): void };
    const long = (version: number) => {
      const d = new Uint8Array(1200);
      d.set([0xc0, version >>> 24, (version >>> 16) & 0xff, (version >>> 8) & 0xff, version & 0xff, 8, 1, 2, 3, 4, 5, 6, 7, 8, 4, 9, 9, 9, 9]);
      return d;
    };
    server.deliver(long(0)); // shaped like Version Negotiation: ignored (no loops)
    await runUntil(sim.clock, () => false, 100_000);
    expect(out.length).toBe(0);
    server.deliver(long(QUIC_V2)); // v2, which this server does not accept
    await runUntil(sim.clock, () => out.length > 0, 100_000);
    expect(out.length).toBe(1);
    expect(out[0][0] & 0x80).toBe(0x80);
    expect(new DataView(out[0].buffer).getUint32(1)).toBe(0); // Version Negotiation...
    expect(new DataView(out[0].buffer).getUint32(out[0].length - 4)).toBe(QUIC_V1); // ...listing v1 only
    expect(out[0].length).toBe(7 + 4 + 8 + 4);
  });
});

describe('session tickets belong to a version (RFC 9369 §5)', () => {
  test('a ticket from a v2 connection resumes a v2 connection, not a v1 one', async () => {
    const sim = makeSim({ seed: 31 });
    const first = (await connectSim(sim, { version: QUIC_V2 }))!;
    expect(first.client.version).toBe(QUIC_V2);
    let ticket: Awaited<typeof first.client.sessionTicket> | undefined;
    first.client.sessionTicket.then((t) => { ticket = t; });
    expect(await runUntil(sim.clock, () => ticket !== undefined)).toBe(true);
    expect(ticket).not.toBeNull();
    const v1 = (await connectSim(sim, { session: ticket!, version: QUIC_V1 }))!;
    expect(v1.client.version).toBe(QUIC_V1);
    expect(v1.client.handshakeInfo).toMatchObject({ resumed: false });
    const v2 = (await connectSim(sim, { session: ticket!, version: QUIC_V2 }))!;
    expect(v2.client.handshakeInfo).toMatchObject({ resumed: true });
  });
});

/**
 * The ticket with its remembered version_information claiming `version`: what a client that
 * mislabels a ticket (or a stale client cache) would offer. Only the client's copy changes;
 * the server decides from what it sealed inside the ticket.
 */
function relabel(ticket: SessionTicket, version: number): SessionTicket {
  const tp = ticket.peerTransportParameters.slice();
  const info = transportParameterEntries(tp)!.find((e) => e.id === 0x11)!;
  new DataView(tp.buffer, info.end - info.value.length, 4).setUint32(0, version);
  return { ...ticket, peerTransportParameters: tp };
}

/** The server side of an echo: the next connection's first stream is read whole and sent back. */
function serveEcho(sim: { server: ReturnType<typeof makeSim>['server'] }) {
  const box: { server: QuicConnection | null; got: Uint8Array | null } = { server: null, got: null };
  sim.server.accept().then((c) => {
    box.server = c;
    c.acceptStream().then(async (st) => { box.got = await st.readAll(); await st.end(box.got); }, () => undefined);
  }, () => undefined);
  return box;
}

async function ticketFrom(sim: ReturnType<typeof makeSim>, version: number): Promise<SessionTicket> {
  const first = (await connectSim(sim, { version }))!;
  expect(first.client.version).toBe(version);
  let ticket: SessionTicket | null | undefined;
  first.client.sessionTicket.then((t) => { ticket = t; });
  expect(await runUntil(sim.clock, () => ticket !== undefined && (!sim.server.stats.newTokensSent || first.client.addressToken !== null))).toBe(true);
  expect(ticket).toBeTruthy();
  return { ...ticket!, addressToken: first.client.addressToken ?? undefined };
}

/** One request on a stream opened at once (in 0-RTT when the client may), echoed back. */
async function earlyEcho(sim: ReturnType<typeof makeSim>, options: ConnectOptions) {
  const echo = serveEcho(sim);
  const client = sim.client.connectTo(0, { serverName: 'localhost', trustAnchors: [cert.chain[0]], earlyData: true, ...options });
  const offered = client.earlyData;
  if (offered !== 'offered') {
    let up = false;
    client.established.then(() => { up = true; }, () => undefined);
    expect(await runUntil(sim.clock, () => up)).toBe(true);
  }
  const request = new Uint8Array(3000).map((_, i) => (i * 13) & 0xff);
  const st = client.openStream();
  let echoed: Uint8Array | null = null;
  st.readAll().then((d) => { echoed = d; }, () => undefined);
  void st.end(request);
  expect(await runUntil(sim.clock, () => echoed !== null && client.handshakeInfo !== null && echo.server !== null)).toBe(true);
  expect(sha(echo.got!)).toBe(sha(request));
  expect(sha(echoed!)).toBe(sha(request));
  return { client, server: echo.server!, offered };
}

describe('tickets and tokens are bound to their QUIC version (RFC 9369 §5)', () => {
  const early = { sessionTickets: new SessionTicketIssuer(), earlyData: true } as const;

  test('client: a v1 ticket is not offered in a v2 attempt — no 0-RTT, a full handshake that works', async () => {
    const sim = makeSim({ seed: 61, server: early });
    const ticket = await ticketFrom(sim, QUIC_V1);
    const v2 = await earlyEcho(sim, { session: ticket, version: QUIC_V2 });
    expect(v2.offered).toBe('none');
    expect(v2.client.version).toBe(QUIC_V2);
    expect(v2.client.handshakeInfo).toMatchObject({ resumed: false, earlyDataAccepted: false });
    // The same ticket still resumes (with 0-RTT) in its own version.
    const v1 = await earlyEcho(sim, { session: ticket, version: QUIC_V1 });
    expect(v1.offered).toBe('offered');
    expect(v1.client.earlyData).toBe('accepted');
    expect(v1.client.handshakeInfo).toMatchObject({ resumed: true });
  });

  test('server: a v1 ticket offered in v2 (mislabelled by the client) is refused — no resumption, 0-RTT rejected, nothing lost', async () => {
    const sim = makeSim({ seed: 62, server: early });
    const ticket = relabel(await ticketFrom(sim, QUIC_V1), QUIC_V2);
    const v2 = await earlyEcho(sim, { session: ticket, version: QUIC_V2 });
    expect(v2.offered).toBe('offered'); // the client believed it
    expect(v2.client.version).toBe(QUIC_V2);
    expect(v2.client.earlyData).toBe('rejected');
    expect(v2.client.handshakeInfo).toMatchObject({ resumed: false, earlyDataAccepted: false });
    expect(v2.server.handshakeInfo).toMatchObject({ resumed: false });
  });

  test('server: a v2 ticket offered in v1 is refused the same way', async () => {
    const sim = makeSim({ seed: 63, server: early });
    const ticket = relabel(await ticketFrom(sim, QUIC_V2), QUIC_V1);
    const v1 = await earlyEcho(sim, { session: ticket, version: QUIC_V1 });
    expect(v1.offered).toBe('offered');
    expect(v1.client.version).toBe(QUIC_V1);
    expect(v1.client.earlyData).toBe('rejected');
    expect(v1.client.handshakeInfo).toMatchObject({ resumed: false });
  });

  test('a ticket and token from a v1 connection moved to v2 belong to v2: they resume v2 with 0-RTT and no Retry', async () => {
    const sim = makeSim({ seed: 64, server: { ...early, versions: [QUIC_V2, QUIC_V1], retry: 'always' } });
    const first = (await connectSim(sim, { version: QUIC_V1 }))!;
    expect(first.client.version).toBe(QUIC_V2);
    let ticket: SessionTicket | null | undefined;
    first.client.sessionTicket.then((t) => { ticket = t; });
    expect(await runUntil(sim.clock, () => ticket !== undefined && first.client.addressToken !== null)).toBe(true);
    // (connect() starts in the ticket's version by itself: host/api/versions.ts firstFlightVersion.)
    const again = await earlyEcho(sim, { session: { ...ticket!, addressToken: first.client.addressToken! }, version: QUIC_V2 });
    expect(again.client.version).toBe(QUIC_V2);
    expect(again.client.earlyData).toBe('accepted');
    expect(again.client.handshakeInfo).toMatchObject({ resumed: true });
    expect(again.client.stats().retriesReceived).toBe(0); // the token, minted in v2, validated the address
  });

  test('server: a NEW_TOKEN token from a v2 connection presented in v1 does not validate the address (a Retry follows)', async () => {
    const sim = makeSim({ seed: 65, server: { retry: 'always' } });
    const ticket = await ticketFrom(sim, QUIC_V2);
    expect(ticket.addressToken?.length).toBeGreaterThan(0);
    const before = sim.server.stats;
    const v1 = (await connectSim(sim, { session: relabel(ticket, QUIC_V1), version: QUIC_V1 }))!;
    expect(v1.client.version).toBe(QUIC_V1);
    expect(v1.client.stats().retriesReceived).toBe(1);
    const after = sim.server.stats;
    expect(after.tokensRefused - before.tokensRefused).toBe(1);
    expect(after.tokensAccepted - before.tokensAccepted).toBe(1); // the Retry's own token
    expect(v1.client.handshakeInfo).toMatchObject({ resumed: false });
    // In its own version the token is accepted: no Retry.
    const v2 = (await connectSim(sim, { session: ticket, version: QUIC_V2 }))!;
    expect(v2.client.stats().retriesReceived).toBe(0);
    expect(v2.client.handshakeInfo).toMatchObject({ resumed: true });
  });
});

describe('0-RTT across compatible version negotiation (RFC 9369 §4)', () => {
  test('a v1 resumption with 0-RTT moved to v2: the early request is read, every 0-RTT packet stays v1', async () => {
    const issuer = new SessionTicketIssuer();
    // A ticket from a v1 connection.
    const first = makeSim({ seed: 41, server: { sessionTickets: issuer, earlyData: true } });
    const c1 = (await connectSim(first))!;
    expect(c1.client.version).toBe(QUIC_V1);
    let ticket: Awaited<typeof c1.client.sessionTicket> | undefined;
    c1.client.sessionTicket.then((t) => { ticket = t; });
    expect(await runUntil(first.clock, () => ticket !== undefined)).toBe(true);
    expect(ticket).not.toBeNull();

    // The same service, now preferring v2.
    const sim = tappedSim({ seed: 42, aToB: { delayUs: 10_000 }, bToA: { delayUs: 10_000 }, server: { sessionTickets: issuer, earlyData: true, versions: [QUIC_V2, QUIC_V1] } });
    const echo = serveEcho(sim);
    // The server's first flights reach the client as their Initial packet only: the client
    // switches to v2 but gets no Handshake keys for a while, and keeps sending 0-RTT.
    const send = sim.pair.b.send.bind(sim.pair.b);
    let cut = 3;
    sim.pair.b.send = (d: Uint8Array, p?: number) => send(cut-- > 0 && d[0] & 0x80 ? d.subarray(0, firstPacketLength(d)) : d, p);
    const client = sim.client.connectTo(0, { serverName: 'localhost', trustAnchors: [cert.chain[0]], session: ticket!, earlyData: true, version: QUIC_V1 });
    expect(client.earlyData).toBe('offered');
    const request = new Uint8Array(60_000).map((_, i) => (i * 7) & 0xff);
    const s = client.openStream();
    let echoed: Uint8Array | null = null;
    s.readAll().then((d) => { echoed = d; }, () => undefined);
    void s.end(request);
    expect(await runUntil(sim.clock, () => echoed !== null && client.handshakeInfo !== null)).toBe(true);
    expect(sha(echo.got!)).toBe(sha(request));
    expect(sha(echoed!)).toBe(sha(request));
    expect(client.version).toBe(QUIC_V2);
    expect(echo.server!.version).toBe(QUIC_V2);
    expect(client.earlyData).toBe('accepted');
    expect(client.handshakeInfo).toMatchObject({ resumed: true, earlyDataAccepted: true });
    const early = sim.seen.client.filter((p) => p.endsWith('0-RTT'));
    expect(early.length).toBeGreaterThan(0);
    expect(early.every((p) => p === 'v1 0-RTT')).toBe(true);
    expect(sim.seen.server.every((p) => p.startsWith('v2 '))).toBe(true);
  });
});

describe('Retry and compatible version negotiation (RFC 9369 §4)', () => {
  test('the Retry goes in the original version, the token comes back in it, then the server moves the client to v2', async () => {
    const sim = tappedSim({ seed: 51, aToB: { delayUs: 5000 }, bToA: { delayUs: 5000 }, server: { retry: 'always', versions: [QUIC_V2, QUIC_V1] } });
    const pair = await connectSim(sim, { version: QUIC_V1 });
    expect(pair).not.toBeNull();
    expect(pair!.client.version).toBe(QUIC_V2);
    expect(pair!.server.version).toBe(QUIC_V2);
    expect(sim.seen.server[0]).toBe('v1 Retry');
    expect(sim.seen.server.slice(1).every((p) => p.startsWith('v2 '))).toBe(true);
    expect(sim.seen.client.slice(0, 2)).toEqual(['v1 Initial', 'v1 Initial']); // the first flight, then with the token
    await echo(sim, pair!.client, pair!.server, 20_000);
  });
});
