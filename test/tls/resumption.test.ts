// Session tickets, resumption (PSK with (EC)DHE) and 0-RTT, our client against our
// server in memory: the ticket from a full handshake resumes a second one without
// certificates, both sides derive the same secrets at every level including 0-RTT,
// and the server's anti-replay rule refuses replayed and stale early data.
import {
  Alert, EarlyDataAntiReplay, Level, MemoryAntiReplayStore, SessionTicketIssuer, createTlsServer,
  decodeSessionTicket, encodeSessionTicket, type SessionTicket, type TlsOutput, type TlsServerOptions,
} from '../../host/tls/engine';
import { HandshakeType } from '../../host/tls/constants';
import { encodeNewSessionTicket } from '../../host/tls/messages-resumption';
import { generateSelfSigned } from '../../host/tls/pki/index';
import { Suite } from '../../host/crypto/suites';
import type { GroupName } from '../../host/tls/constants';
import { Prng } from '../../host/net/prng';
import { alertOf, certFor, expectMatchingSecrets, info, messageTypes, pair, run, secrets } from './helpers';

/** A controllable clock shared by client, ticket issuer and anti-replay. */
function clock(start = Date.now()) {
  let t = start;
  return { now: () => t, date: () => new Date(t), advance: (ms: number) => { t += ms; } };
}

function tickets(outs: TlsOutput[]): SessionTicket[] {
  return outs.flatMap((o) => (o.type === 'session-ticket' ? [o.ticket] : []));
}

function setup(opts: { earlyData?: boolean; suites?: Suite[]; windowMs?: number; server?: Partial<TlsServerOptions> } = {}) {
  const c = clock();
  const issuer = new SessionTicketIssuer({ now: c.now });
  const antiReplay = new EarlyDataAntiReplay({ now: c.now, windowMs: opts.windowMs });
  const server: Partial<TlsServerOptions> = { sessionTickets: issuer, earlyData: opts.earlyData ? { antiReplay } : undefined, ...opts.server };
  const first = pair({ suites: opts.suites, now: c.date, server });
  const outs = run(first.client, first.server);
  const [ticket] = tickets(outs.client);
  return { c, issuer, antiReplay, server, ticket, firstOuts: outs };
}

describe('session tickets and resumption', () => {
  const suites = [Suite.Aes128Gcm, Suite.Aes256Gcm, Suite.ChaCha20Poly1305];
  const groups: GroupName[] = ['x25519', 'secp256r1'];
  for (const suite of suites) for (const group of groups) {
    test(`suite ${suite}, ${group}: a ticket from a full handshake resumes without certificates`, () => {
      const s = setup({ suites: [suite] });
      expect(s.ticket).toBeDefined();
      expect(messageTypes(s.firstOuts.server).at(-1)).toBe(HandshakeType.new_session_ticket);
      // The ticket survives storage as bytes.
      const stored = decodeSessionTicket(encodeSessionTicket(s.ticket));
      expect(stored).toEqual(s.ticket);
      s.c.advance(5_000);
      const second = pair({ suites: [suite], clientGroups: [group], serverGroups: [group], now: s.c.date, server: s.server, client: { session: stored } });
      const outs = run(second.client, second.server);
      expect(expectMatchingSecrets(outs)).toEqual(['2/read', '2/write', '3/read', '3/write']);
      expect(info(outs.client)).toMatchObject({ resumed: true, earlyDataAccepted: false, peerCertificates: [] });
      expect(info(outs.server)).toMatchObject({ resumed: true });
      expect(messageTypes(outs.server)).toEqual([HandshakeType.server_hello, HandshakeType.encrypted_extensions, HandshakeType.finished, HandshakeType.new_session_ticket]);
      // A resumed connection hands out a fresh ticket.
      expect(tickets(outs.client)[0].ticket).not.toEqual(stored.ticket);
    });
  }

  test('resumption through a HelloRetryRequest', () => {
    const s = setup();
    const second = pair({ clientGroups: ['x25519', 'secp256r1'], serverGroups: ['secp256r1'], now: s.c.date, server: s.server, client: { session: s.ticket } });
    const outs = run(second.client, second.server);
    expect(messageTypes(outs.client).filter((t) => t === HandshakeType.client_hello).length).toBe(2);
    expect(info(outs.client)).toMatchObject({ resumed: true });
    expectMatchingSecrets(outs);
  });

  test('an expired ticket is not offered: full handshake', () => {
    const s = setup();
    s.c.advance(s.ticket.lifetimeSeconds * 1000 + 1);
    const second = pair({ now: s.c.date, server: s.server, client: { session: s.ticket } });
    const outs = run(second.client, second.server);
    expect(info(outs.client)).toMatchObject({ resumed: false });
    expect(messageTypes(outs.client)[0]).toBe(HandshakeType.client_hello);
    expectMatchingSecrets(outs);
  });

  test("a ticket for another server name is not offered; one the server cannot open means a full handshake", () => {
    const s = setup();
    const other = pair({ now: s.c.date, server: s.server, client: { session: { ...s.ticket, serverName: 'elsewhere' } } });
    expect(info(run(other.client, other.server).client)).toMatchObject({ resumed: false });
    // A server with different ticket keys (or a tampered ticket) cannot open it: full handshake, no error.
    const stranger = pair({ now: s.c.date, server: { sessionTickets: new SessionTicketIssuer({ now: s.c.now }) }, client: { session: s.ticket } });
    const outs = run(stranger.client, stranger.server);
    expect(info(outs.client)).toMatchObject({ resumed: false });
    const tampered = s.ticket.ticket.slice();
    tampered[tampered.length - 1] ^= 1;
    const t2 = pair({ now: s.c.date, server: s.server, client: { session: { ...s.ticket, ticket: tampered } } });
    expect(info(run(t2.client, t2.server).client)).toMatchObject({ resumed: false });
  });

  test('a ticket with the wrong PSK fails the binder: decrypt_error', () => {
    const s = setup();
    const bad = pair({ now: s.c.date, server: s.server, client: { session: { ...s.ticket, psk: new Uint8Array(32) } } });
    expect(alertOf(run(bad.client, bad.server).server)).toBe(Alert.decrypt_error);
  });

  test('rotated ticket keys: old tickets still open until the old key is dropped', () => {
    const s = setup();
    s.issuer.rotate(new Uint8Array(32).fill(7));
    let p = pair({ now: s.c.date, server: s.server, client: { session: s.ticket } });
    expect(info(run(p.client, p.server).client)).toMatchObject({ resumed: true });
    s.issuer.rotate(new Uint8Array(32).fill(8), 0);
    p = pair({ now: s.c.date, server: s.server, client: { session: s.ticket } });
    expect(info(run(p.client, p.server).client)).toMatchObject({ resumed: false });
  });

  test('a client certificate is remembered across resumption, and required resumption needs it', () => {
    const cc = generateSelfSigned({ subjectAltNames: ['client.example'] });
    const s = setup({ server: { clientAuth: 'require', clientTrustAnchors: [cc.chain[0]] } });
    // The first handshake needs the certificate; redo it with one.
    const first = pair({ now: s.c.date, server: s.server, client: { certificate: cc } });
    const ticket = tickets(run(first.client, first.server).client)[0];
    const p = pair({ now: s.c.date, server: s.server, client: { session: ticket } });
    const outs = run(p.client, p.server);
    expect(info(outs.server)).toMatchObject({ resumed: true, peerCertificates: [cc.chain[0]] });
    expect(messageTypes(outs.server)).not.toContain(HandshakeType.certificate_request);
  });

  test('NewSessionTicket with a max_early_data_size other than 0xffffffff is a protocol violation (RFC 9001 §4.6.1)', () => {
    const { client, server } = pair();
    run(client, server);
    client.receive(Level.Application, encodeNewSessionTicket({ lifetimeSeconds: 60, ageAdd: 1, nonce: Uint8Array.of(0), ticket: Uint8Array.of(1, 2, 3), maxEarlyData: 16384 }));
    expect(client.drain()).toEqual([expect.objectContaining({ type: 'alert', alert: Alert.illegal_parameter })]);
  });

  test('a server without sessionTickets sends no ticket', () => {
    const { client, server } = pair();
    const outs = run(client, server);
    expect(tickets(outs.client)).toEqual([]);
    expect(messageTypes(outs.server)).not.toContain(HandshakeType.new_session_ticket);
  });
});

describe('0-RTT', () => {
  test('accepted: the client writes early data with keys the server reads', () => {
    const s = setup({ earlyData: true });
    expect(s.ticket.maxEarlyData).toBe(0xffffffff);
    s.c.advance(2_000);
    const p = pair({ now: s.c.date, server: s.server, client: { session: s.ticket, earlyData: true } });
    const outs = run(p.client, p.server);
    // The early data write secret comes with the ClientHello, before any server byte,
    // after the ticket's remembered transport parameters (RFC 9000 §7.4.1) it is used under.
    expect(outs.client.slice(0, 3).map((o) => (o.type === 'secret' ? `${o.level}/${o.direction}` : o.type))).toEqual(['handshake-data', 'remembered-transport-parameters', '1/write']);
    // The server's answer reaches the transport before its new parameters do.
    const order = outs.client.map((o) => o.type).filter((t) => t === 'early-data' || t === 'peer-transport-parameters');
    expect(order).toEqual(['early-data', 'peer-transport-parameters']);
    expect(outs.client.find((o) => o.type === 'early-data')).toEqual({ type: 'early-data', accepted: true });
    expect(expectMatchingSecrets(outs)).toEqual(['1/write', '2/read', '2/write', '3/read', '3/write']);
    expect(info(outs.client)).toMatchObject({ resumed: true, earlyDataAccepted: true });
    expect(info(outs.server)).toMatchObject({ resumed: true, earlyDataAccepted: true });
  });

  test('rejected when the server does not allow it: the handshake still resumes, no early read key', () => {
    const s = setup({ earlyData: true });
    const p = pair({ now: s.c.date, server: { ...s.server, earlyData: { antiReplay: s.antiReplay, accept: () => false } }, client: { session: s.ticket, earlyData: true } });
    const outs = run(p.client, p.server);
    expect(secrets(outs.client).has('1/write')).toBe(true);
    expect(secrets(outs.server).has('1/read')).toBe(false);
    expectMatchingSecrets(outs, { skipEarly: true });
    expect(info(outs.client)).toMatchObject({ resumed: true, earlyDataAccepted: false });
    expect(info(outs.server)).toMatchObject({ resumed: true, earlyDataAccepted: false, earlyDataRejected: 'refused by the application' });
  });

  test('a ticket from a server without early data: the client does not offer it', () => {
    const s = setup({ earlyData: false });
    expect(s.ticket.maxEarlyData).toBe(0);
    const p = pair({ now: s.c.date, server: s.server, client: { session: s.ticket, earlyData: true } });
    const outs = run(p.client, p.server);
    expect(secrets(outs.client).has('1/write')).toBe(false);
    expect(info(outs.server)).toMatchObject({ resumed: true, earlyDataAccepted: false, earlyDataRejected: 'not offered' });
  });

  test('HelloRetryRequest refuses 0-RTT; the second ClientHello does not offer it', () => {
    const s = setup({ earlyData: true });
    const p = pair({ clientGroups: ['x25519', 'secp256r1'], serverGroups: ['secp256r1'], now: s.c.date, server: s.server, client: { session: s.ticket, earlyData: true } });
    const outs = run(p.client, p.server);
    expect(info(outs.client)).toMatchObject({ resumed: true, earlyDataAccepted: false });
    expect(info(outs.server)).toMatchObject({ earlyDataAccepted: false, earlyDataRejected: 'HelloRetryRequest' });
    expectMatchingSecrets(outs, { skipEarly: true });
  });

  describe('anti-replay (freshness window + ClientHello recording)', () => {
    /** The client's first flight, captured so it can be replayed to other server instances. */
    function captureClientHello(s: ReturnType<typeof setup>) {
      const p = pair({ now: s.c.date, server: s.server, client: { session: s.ticket, earlyData: true } });
      p.client.start();
      const flight = p.client.drain().flatMap((o) => (o.type === 'handshake-data' ? [o] : []));
      return flight;
    }
    /** Delivers the flight to a fresh server instance sharing the ticket keys and anti-replay state. */
    function deliver(s: ReturnType<typeof setup>, flight: { level: Level; data: Uint8Array }[]) {
      const server = createTlsServer({ alpn: ['hq-interop', 'h3'], transportParameters: Uint8Array.of(4, 5), certificate: certFor('ecdsa-p256'), ...s.server });
      for (const o of flight) server.receive(o.level, o.data);
      const out = server.drain();
      return { earlyRead: out.some((o) => o.type === 'secret' && o.level === Level.EarlyData), alert: alertOf(out), resumed: out.some((o) => o.type === 'handshake-data' && o.level === Level.Handshake && o.data[0] === HandshakeType.finished) };
    }

    test('a replayed ClientHello within the window gets no 0-RTT (the original did)', () => {
      const s = setup({ earlyData: true });
      const flight = captureClientHello(s);
      expect(deliver(s, flight)).toEqual({ earlyRead: true, alert: undefined, resumed: true });
      s.c.advance(1_000);
      expect(deliver(s, flight)).toEqual({ earlyRead: false, alert: undefined, resumed: true });
    });

    test('a ClientHello arriving later than the window allows gets no 0-RTT', () => {
      const s = setup({ earlyData: true, windowMs: 10_000 });
      const flight = captureClientHello(s);
      s.c.advance(10_001);
      expect(deliver(s, flight)).toEqual({ earlyRead: false, alert: undefined, resumed: true });
    });

    test('replays later than twice the window are refused as stale, after the record forgot them', () => {
      const s = setup({ earlyData: true, windowMs: 1_000 });
      const flight = captureClientHello(s);
      expect(deliver(s, flight).earlyRead).toBe(true);
      s.c.advance(60_000);
      expect(deliver(s, flight).earlyRead).toBe(false);
    });

    test('the record is bounded: when full, 0-RTT is refused rather than memory grown', () => {
      const store = new MemoryAntiReplayStore(2);
      const now = () => 0;
      expect(store.admit('a', now(), 100)).toBe(true);
      expect(store.admit('a', now(), 100)).toBe(false);
      expect(store.admit('b', now(), 100)).toBe(true);
      expect(store.admit('c', now(), 100)).toBe(false);
      expect(store.size).toBe(2);
      // Entries past their expiry make room again.
      expect(store.admit('c', 101, 200)).toBe(true);
      expect(store.size).toBe(1);
    });
  });

  test('malformed resumption ClientHellos and NewSessionTickets: an alert, never an exception', () => {
    const s = setup({ earlyData: true });
    const p = pair({ now: s.c.date, server: s.server, client: { session: s.ticket, earlyData: true } });
    p.client.start();
    const ch = (p.client.drain().find((o) => o.type === 'handshake-data') as { data: Uint8Array }).data;
    const prng = new Prng(91);
    for (let i = 0; i < 1500; i++) {
      const server = createTlsServer({ alpn: ['hq-interop', 'h3'], transportParameters: Uint8Array.of(4, 5), certificate: certFor('ecdsa-p256'), ...s.server });
      let input: Uint8Array;
      if (i < ch.length - 4) {
        const body = ch.subarray(4, 4 + i);
        input = Uint8Array.of(1, 0, (body.length >> 8) & 0xff, body.length & 0xff, ...body);
      } else {
        input = ch.slice();
        for (let k = 0; k < 2; k++) input[4 + prng.int(input.length - 4)] = prng.int(256);
      }
      expect(() => server.receive(Level.Initial, input)).not.toThrow();
      const a = alertOf(server.drain());
      if (i < ch.length - 4) expect(a).toBe(Alert.decode_error);
    }
    const nst = encodeNewSessionTicket({ lifetimeSeconds: 60, ageAdd: 1, nonce: Uint8Array.of(0), ticket: Uint8Array.of(1, 2, 3), maxEarlyData: 0xffffffff });
    for (let i = 0; i < nst.length - 4; i++) {
      const { client, server } = pair();
      run(client, server);
      const body = nst.subarray(4, 4 + i);
      expect(() => client.receive(Level.Application, Uint8Array.of(4, 0, 0, body.length, ...body))).not.toThrow();
      expect(alertOf(client.drain())).toBe(Alert.decode_error);
    }
  });
});
