// What a new user trips over first (issue 20, "tried as a new user would"): each bad
// input is a typed error that names the option or the value, raised at once.
import { listen, connect, QuicServer } from '../../host/node';
import { generateSelfSigned } from '../../host/tls/pki/index';
import { transportErrorName, QuicError } from '../../host/errors';
import { Alert } from '../../host/tls/alerts';
import { tlsAlertName } from '../../host/api/alert-names';
import { makeSim, connectSim, runUntil } from '../transport/sim';

const cert = generateSelfSigned({ subjectAltNames: ['localhost', '127.0.0.1'] });
const invalid = (message: RegExp) => expect.objectContaining({ code: 'ERR_QUIC_INVALID_ARGUMENT', message: expect.stringMatching(message) });

describe('options are checked up front and named', () => {
  test('connect() and generateSelfSigned() without options', async () => {
    await expect((connect as (o?: unknown) => Promise<unknown>)()).rejects.toEqual(invalid(/connect\(\) needs an options object with address, port, alpn; got undefined/));
    await expect(connect({ alpn: ['x'] } as never)).rejects.toEqual(invalid(/missing options address, port/));
    expect(() => generateSelfSigned({} as never)).toThrow(invalid(/subjectAltNames/));
    expect(() => (generateSelfSigned as (o?: unknown) => unknown)()).toThrow(invalid(/subjectAltNames/));
  });

  test('transport options name themselves, with the value', async () => {
    await expect(listen({ alpn: ['x'], certificate: cert, transport: { initialMaxData: -1 } })).rejects.toEqual(invalid(/^initialMaxData must be a non-negative integer, not number -1$/));
    await expect(listen({ alpn: ['x'], certificate: cert, transport: { ackDelayExponent: 21 } })).rejects.toEqual(invalid(/ackDelayExponent must be an integer in 0\.\.20/));
    await expect(listen({ alpn: ['x'], certificate: cert, transport: { initialMaxStreamsBidi: 1.5 } })).rejects.toEqual(invalid(/initialMaxStreamsBidi/));
    await expect(listen({ alpn: ['x'], certificate: cert, transport: { congestionControl: 'bbr' as never } })).rejects.toEqual(invalid(/congestionControl must be one of 'newreno', 'cubic', 'vegas', not the string "bbr"/));
    await expect(listen({ alpn: ['x'], certificate: cert, transport: { windowSize: 3 } as never })).rejects.toEqual(invalid(/unknown transport option "windowSize"/));
  });

  test('cipher suites, groups and ALPN lists', async () => {
    const base = { address: '127.0.0.1', port: 4433, alpn: ['x'] };
    await expect(connect({ ...base, cipherSuites: ['TLS_AES_128_CCM_SHA256' as never] })).rejects.toEqual(invalid(/cipherSuites: unknown cipher suite the string "TLS_AES_128_CCM_SHA256"/));
    await expect(connect({ ...base, groups: ['x448' as never] })).rejects.toEqual(invalid(/groups: unknown group the string "x448"/));
    await expect(connect({ ...base, alpn: [] })).rejects.toEqual(invalid(/alpn must be a non-empty array.*got an empty array/));
    await expect(listen({ alpn: [], certificate: cert })).rejects.toEqual(invalid(/alpn must be a non-empty array/));
    await expect(listen({ alpn: ['x'], certificate: cert, cipherSuites: [] })).rejects.toEqual(invalid(/cipherSuites must be a non-empty array/));
  });

  test('server.address after close() is the address it had (node:dgram throws ERR_SOCKET_DGRAM_NOT_RUNNING there)', async () => {
    const server = await listen({ address: '127.0.0.1', port: 0, alpn: ['x'], certificate: cert });
    const before = server.address;
    await server.close();
    expect(server.address).toEqual(before);
    expect(before.port).toBeGreaterThan(0);
  });

  test('listen() takes the endpoint limits: 100,000 connections is a valid cap, 0 is refused by name', async () => {
    const server = await listen({ alpn: ['x'], certificate: cert, limits: { maxConnections: 100_000, maxHalfOpen: 4096 } });
    await server.close();
    await expect(listen({ alpn: ['x'], certificate: cert, limits: { maxConnections: 0 } }))
      .rejects.toEqual(expect.objectContaining({ code: 'ERR_QUIC_INVALID_CONFIG', message: expect.stringMatching(/limits\.maxConnections must be an integer between 1 and 1048576/) }));
  });

  test('ports: listen() and connect() both take a decimal string, both refuse anything else', async () => {
    const server = await listen({ alpn: ['x'], certificate: cert, port: '0' });
    try {
      const port = String(server.address.port);
      const conn = await connect({ address: '127.0.0.1', port, alpn: ['x'], trustAnchors: [cert.chain[0]] });
      expect(conn.state).toMatch(/^(established|confirmed)$/);
      await conn.close();
    } finally {
      await server.close();
    }
    await expect(listen({ alpn: ['x'], certificate: cert, port: 'http' })).rejects.toEqual(invalid(/port must be an integer in 0\.\.65535 .*not the string "http"/));
    await expect(connect({ address: '127.0.0.1', port: '0', alpn: ['x'] })).rejects.toEqual(invalid(/port must be an integer in 1\.\.65535/));
    await expect(connect({ address: '127.0.0.1', port: 70000, alpn: ['x'] })).rejects.toEqual(invalid(/not number 70000/));
  });

  test('a host name is resolved; one that does not resolve fails at once with the DNS error as cause', async () => {
    const err = await connect({ address: 'not-an-ip.invalid', port: 4433, alpn: ['x'] }).catch((e) => e);
    expect(err).toBeInstanceOf(QuicError);
    expect(err.code).toBe('ERR_QUIC_DNS');
    expect(err.message).toMatch(/address "not-an-ip.invalid" does not resolve/);
    expect(err.cause).toMatchObject({ code: expect.stringMatching(/ENOTFOUND|EAI_AGAIN|ESERVFAIL/) });
    await expect(listen({ alpn: ['x'], certificate: cert, address: 'not-an-ip.invalid' })).rejects.toMatchObject({ code: 'ERR_QUIC_DNS' });
    const server = await listen({ alpn: ['x'], certificate: cert, address: 'localhost' });
    try {
      expect(['127.0.0.1', '::1']).toContain(server.address.address);
      const conn = await connect({ address: 'localhost', port: server.address.port, alpn: ['x'], trustAnchors: [cert.chain[0]] });
      expect(conn.handshakeInfo?.alpn).toBe('x');
      await conn.close();
    } finally {
      await server.close();
    }
  });
});

describe('failures say what failed', () => {
  test('transportErrorName names TLS alerts inside CRYPTO_ERROR', () => {
    expect(transportErrorName(0x100 + 120)).toBe('CRYPTO_ERROR(no_application_protocol)');
    expect(transportErrorName(0x128)).toBe('CRYPTO_ERROR(handshake_failure)');
    expect(transportErrorName(0x1ff)).toBe('CRYPTO_ERROR(alert 0xff)');
    expect(transportErrorName(0x03)).toBe('FLOW_CONTROL_ERROR');
    // Every alert the TLS engine sends has the same name in the registry.
    for (const [name, n] of Object.entries(Alert)) expect(tlsAlertName(n)).toBe(name);
  });

  test('an ALPN mismatch rejects connect() before the draining period and says ALPN', async () => {
    // The client's draining period (3 PTO, RFC 9000 §10.2) with a 1 s initial RTT and no
    // RTT sample is over 9 s; connect() must not wait for it.
    const server = await listen({ alpn: ['h3'], certificate: cert });
    let settled = false;
    try {
      const attempt = connect({ address: '127.0.0.1', port: server.address.port, alpn: ['echo'], trustAnchors: [cert.chain[0]], transport: { initialRttMs: 1000 } });
      attempt.catch(() => undefined).finally(() => { settled = true; });
      const race = await Promise.race([attempt.then(() => 'connected', (e) => e), new Promise((r) => setTimeout(() => r('still waiting'), 4000))]);
      expect(race).toMatchObject({ code: 'ERR_QUIC_TRANSPORT', quicCode: 0x100 + 120 });
      expect((race as Error).message).toMatch(/no_application_protocol/);
      expect((race as Error).message).toMatch(/ALPN/);
    } finally {
      await server.close();
    }
    expect(settled).toBe(true);
  }, 20_000);
});

describe('writes take what JavaScript has', () => {
  test('strings (UTF-8), views, ArrayBuffers and Blobs arrive in order; anything else is refused and close() stays prompt', async () => {
    const sim = makeSim();
    const pair = (await connectSim(sim))!;
    const s = pair.client.openStream();
    const writes = [
      s.write('héllo '),
      s.write(new Blob(['from ', new Uint8Array([0x62, 0x6c, 0x6f, 0x62])])),
      s.write(new Uint16Array([0x2020])),
      s.write(new TextEncoder().encode('view ').buffer),
      s.write(Buffer.from('buffer')),
    ];
    const bad = s.write(42 as never);
    await expect(bad).rejects.toEqual(invalid(/write\(\) takes a string, a Uint8Array.*not number 42/));
    await expect(s.write({ length: 3 } as never)).rejects.toEqual(invalid(/not an object/));
    void s.end();
    let got = '';
    pair.server.acceptStream().then((r) => r.readAll()).then((b) => { got = new TextDecoder().decode(b); });
    expect(await runUntil(sim.clock, () => got !== '')).toBe(true);
    await Promise.all(writes);
    expect(got).toBe('héllo from blob  view buffer');
    // A refused write left nothing queued: a graceful close completes in a few RTTs, not 10 s.
    const start = sim.clock.now();
    let closed = false;
    void pair.client.close(0, 'done').then(() => { closed = true; });
    expect(await runUntil(sim.clock, () => closed, 5_000_000)).toBe(true);
    expect(sim.clock.now() - start).toBeLessThan(2_000_000);
  });
});

describe('close(code, reason) reaches the peer', () => {
  test('application close: the peer sees the code and the reason phrase', async () => {
    const sim = makeSim();
    const pair = (await connectSim(sim))!;
    const infos: Record<string, unknown> = {};
    pair.server.closed.then((i) => { infos.server = i; });
    pair.client.closed.then((i) => { infos.client = i; });
    void pair.client.close(77, 'shutting down: bye ✓');
    expect(await runUntil(sim.clock, () => !!infos.server && !!infos.client)).toBe(true);
    expect(infos.server).toMatchObject({ code: 77, application: true, byPeer: true, reasonPhrase: 'shutting down: bye ✓', reason: 'closed by peer: application code 77 ("shutting down: bye ✓")' });
    expect(infos.client).toMatchObject({ code: 77, application: true, byPeer: false, reasonPhrase: 'shutting down: bye ✓' });
    expect(pair.server.state).toBe('closed');
  });

  test('codes that are not varint-safe integers, reasons that are not strings and urgencies off the 0..7 scale are refused, and change nothing', async () => {
    const sim = makeSim();
    const pair = (await connectSim(sim))!;
    const s = pair.client.openStream();
    await s.write('still here');
    // Each of these used to be coerced by the core's f64 -> u64 conversion: 'x' and -1 to 0, 1.5 to 1.
    expect(() => s.reset('x' as never)).toThrow(invalid(/stream 0: reset\(\): the error code must be an integer .* not the string "x"/));
    expect(() => s.reset(1.5)).toThrow(invalid(/not number 1.5/));
    expect(() => s.stopSending(-1)).toThrow(invalid(/stopSending\(\): the error code .* not number -1/));
    expect(() => s.setUrgency(9)).toThrow(invalid(/setUrgency\(\): urgency must be an integer 0 \(most urgent\) \.\. 7, not number 9/));
    expect(() => pair.client.openStream({ urgency: -1 })).toThrow(invalid(/openStream\(\): urgency must be/));
    expect(pair.client.openStream().id).toBe(4); // the refused openStream() opened nothing: the next bidirectional id is 4

    expect(() => pair.client.close(2 ** 62)).toThrow(invalid(/close\(\): the error code/));
    expect(() => pair.client.close(0, 5 as never)).toThrow(invalid(/close\(\): the reason must be a string, not number 5/));
    // Nothing was reset or closed: the stream's data and a valid close still go through.
    void s.end();
    let got = '';
    pair.server.acceptStream().then((r) => r.readAll()).then((b) => { got = new TextDecoder().decode(b); });
    expect(await runUntil(sim.clock, () => got !== '')).toBe(true);
    expect(got).toBe('still here');
    let info: any = null;
    pair.server.closed.then((i) => { info = i; });
    void pair.client.close(2 ** 53 - 1, 'largest code');
    expect(await runUntil(sim.clock, () => info !== null)).toBe(true);
    expect(info).toMatchObject({ code: 2 ** 53 - 1, application: true, byPeer: true, reasonPhrase: 'largest code' });
  });

  test('transport close: the peer sees the code and the reason phrase the closing side gave', async () => {
    // A handshake that fails (no common ALPN): the server closes with CRYPTO_ERROR and its reason.
    const sim = makeSim({ client: { tls: { alpn: ['other'] } } });
    const client = sim.client.connectTo(0, { serverName: 'localhost', dangerouslySkipCertificateVerification: true });
    let info: any = null;
    client.closed.then((i) => { info = i; });
    expect(await runUntil(sim.clock, () => info !== null)).toBe(true);
    expect(info).toMatchObject({ code: 0x100 + 120, application: false, byPeer: true });
    expect(info.reasonPhrase).toMatch(/no common ALPN protocol \(client offered other\)/);
    await expect(client.established).rejects.toMatchObject({ quicCode: 0x178, message: expect.stringMatching(/ALPN/) });
  });
});

test('state is a name', async () => {
  const sim = makeSim();
  const client = sim.client.connectTo(0, { serverName: 'localhost', dangerouslySkipCertificateVerification: true });
  expect(client.state).toBe('handshaking');
  let ok = false;
  client.established.then(() => { ok = true; });
  expect(await runUntil(sim.clock, () => ok)).toBe(true);
  expect(['established', 'confirmed']).toContain(client.state);
  expect(['established', 'confirmed']).toContain(client.stats().state);
  void QuicServer;
});
