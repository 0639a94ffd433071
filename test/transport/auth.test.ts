// Who may connect, through the transport: session resumption (tickets from the server,
// the session connect option), client certificates, external PSKs. Over the simulator:
// the TLS engine's features as an application uses them.
import { createHash } from 'node:crypto';
import { makeSim, runUntil, connectSim, cert } from './sim';
import { generateSelfSigned } from '../../host/tls/pki/index';
import { decodeSessionTicket, encodeSessionTicket, type SessionTicket } from '../../host/tls/engine';
import type { QuicConnection, CloseInfo } from '../../host/transport/connection';

/** Sends `data` on a new stream and returns the SHA-256 of what the server read. */
async function transfer(sim: ReturnType<typeof makeSim>, client: QuicConnection, server: QuicConnection, data: Uint8Array): Promise<string | null> {
  let got: string | null = null;
  server.acceptStream().then(async (s) => { got = sha(await s.readAll()); });
  void client.openStream().end(data);
  await runUntil(sim.clock, () => got !== null);
  return got;
}

const sha = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');

describe('resumption through the transport', () => {
  test('the server issues a ticket by default; a second connection resumes with it and carries data', async () => {
    const sim = makeSim({ seed: 21 });
    const first = (await connectSim(sim))!;
    expect(first).not.toBeNull();
    let ticket: SessionTicket | null | undefined;
    first.client.sessionTicket.then((t) => { ticket = t; });
    expect(await runUntil(sim.clock, () => ticket !== undefined)).toBe(true);
    expect(ticket).not.toBeNull();
    expect(first.client.handshakeInfo).toMatchObject({ resumed: false });
    expect(first.client.handshakeInfo!.peerCertificates).toEqual(cert.chain);
    void first.client.close();

    // Stored as bytes in between, as an application would.
    const stored = decodeSessionTicket(encodeSessionTicket(ticket!));
    const second = (await connectSim(sim, { session: stored }))!;
    expect(second).not.toBeNull();
    expect(second.client.handshakeInfo).toMatchObject({ resumed: true, peerCertificates: [] });
    expect(second.server.handshakeInfo).toMatchObject({ resumed: true });
    const data = new Uint8Array(200_000).map((_, i) => (i * 13) & 0xff);
    expect(await transfer(sim, second.client, second.server, data)).toBe(sha(data));
  });

  test('a server with sessionTickets: false sends none; the promise resolves null at close', async () => {
    const sim = makeSim({ seed: 22, server: { sessionTickets: false } });
    const c = (await connectSim(sim))!;
    let ticket: SessionTicket | null | undefined;
    c.client.sessionTicket.then((t) => { ticket = t; });
    await runUntil(sim.clock, () => false, 500_000);
    expect(ticket).toBeUndefined();
    void c.client.close();
    expect(await runUntil(sim.clock, () => ticket !== undefined)).toBe(true);
    expect(ticket).toBeNull();
  });

  test("another server's ticket means a full handshake, not a failure", async () => {
    const a = makeSim({ seed: 23 });
    const ca = (await connectSim(a))!;
    const ticket = await ca.client.sessionTicket;
    const b = makeSim({ seed: 24 });
    const cb = (await connectSim(b, { session: ticket! }))!;
    expect(cb).not.toBeNull();
    expect(cb.client.handshakeInfo).toMatchObject({ resumed: false });
  });
});

describe('client certificates through the transport', () => {
  const clientCert = generateSelfSigned({ subjectAltNames: ['client.example'] });

  test("require: the server's connection reports the client's verified certificate", async () => {
    const sim = makeSim({ seed: 25, server: { clientAuth: 'require', clientTrustAnchors: [clientCert.chain[0]] } });
    const c = (await connectSim(sim, { certificate: clientCert }))!;
    expect(c).not.toBeNull();
    expect(c.server.handshakeInfo!.peerCertificates).toEqual(clientCert.chain);
    const data = new Uint8Array(10_000).fill(7);
    expect(await transfer(sim, c.client, c.server, data)).toBe(sha(data));
  });

  test('require without a certificate: the client sees CRYPTO_ERROR certificate_required (0x174), nothing is accepted', async () => {
    const sim = makeSim({ seed: 26, server: { clientAuth: 'require', clientTrustAnchors: [clientCert.chain[0]] } });
    let accepted = false;
    sim.server.accept().then(() => { accepted = true; }, () => undefined);
    const client = sim.client.connectTo(0, { serverName: 'localhost', trustAnchors: [cert.chain[0]] });
    let closed: CloseInfo | undefined;
    client.closed.then((i) => { closed = i; });
    expect(await runUntil(sim.clock, () => closed !== undefined)).toBe(true);
    expect(closed).toMatchObject({ code: 0x100 + 116, application: false, byPeer: true });
    expect(accepted).toBe(false);
  });
});

describe('external PSK through the transport', () => {
  const identity = new TextEncoder().encode('sensor-17');
  const key = new Uint8Array(32).map((_, i) => i * 3 + 1);

  test('a server with only PSKs (no certificate) and a client with no trust anchors', async () => {
    const sim = makeSim({ seed: 27, server: { certificate: undefined, psks: (id) => (Buffer.from(id).equals(Buffer.from(identity)) ? { identity, key } : undefined) } });
    const c = (await connectSim(sim, { trustAnchors: undefined, psk: { identity, key } }))!;
    expect(c).not.toBeNull();
    expect(c.client.handshakeInfo).toMatchObject({ externalPsk: true, peerCertificates: [] });
    const data = new Uint8Array(50_000).fill(1);
    expect(await transfer(sim, c.client, c.server, data)).toBe(sha(data));
  });

  test('a wrong key ends with CRYPTO_ERROR decrypt_error (0x133)', async () => {
    const sim = makeSim({ seed: 28, server: { certificate: undefined, psks: () => ({ identity, key }) } });
    const client = sim.client.connectTo(0, { psk: { identity, key: new Uint8Array(32) } });
    let closed: CloseInfo | undefined;
    client.closed.then((i) => { closed = i; });
    expect(await runUntil(sim.clock, () => closed !== undefined)).toBe(true);
    expect(closed).toMatchObject({ code: 0x100 + 51, byPeer: true });
  });
});
