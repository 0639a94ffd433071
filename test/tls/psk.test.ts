// External PSKs (seed 001's PSK handshake mode, RFC 9846 §2.2 with psk_dhe_ke): the
// application provisions identities and keys on both ends; no certificates travel.
import { Alert, createTlsClient, createTlsServer, type ExternalPsk } from '../../host/tls/engine';
import { HandshakeType } from '../../host/tls/constants';
import { Suite } from '../../host/crypto/suites';
import { encodeOfferedPsks } from '../../host/tls/messages-resumption';
import { alertOf, certFor, expectMatchingSecrets, info, messageTypes, pair, run } from './helpers';

const enc = (s: string) => new TextEncoder().encode(s);
const key = (seed: number, n = 32) => Uint8Array.from({ length: n }, (_, i) => (i * 7 + seed) & 0xff);
const table = (entries: ExternalPsk[]) => (id: Uint8Array) => entries.find((e) => Buffer.from(e.identity).equals(Buffer.from(id)));

function pskOnly(clientPsk: ExternalPsk, serverPsks: ExternalPsk[], suites?: Suite[], groups?: { client?: ('x25519' | 'secp256r1')[]; server?: ('x25519' | 'secp256r1')[] }) {
  const client = createTlsClient({ alpn: ['h3'], transportParameters: Uint8Array.of(1), psk: clientPsk, cipherSuites: suites, groups: groups?.client });
  const server = createTlsServer({ alpn: ['h3'], transportParameters: Uint8Array.of(2), psks: table(serverPsks), cipherSuites: suites, groups: groups?.server });
  return run(client, server);
}

describe('external PSK', () => {
  const alice: ExternalPsk = { identity: enc('alice'), key: key(1) };
  const bob384: ExternalPsk = { identity: enc('bob'), key: key(2, 48), hash: 'sha384' };

  for (const suite of [Suite.Aes128Gcm, Suite.ChaCha20Poly1305]) {
    for (const group of ['x25519', 'secp256r1'] as const) {
      test(`suite ${suite}, ${group}: a PSK-only server and a client without trust anchors`, () => {
        const outs = pskOnly(alice, [bob384, alice], [suite], { client: [group], server: [group] });
        expect(alertOf(outs.client)).toBeUndefined();
        expect(expectMatchingSecrets(outs)).toEqual(['2/read', '2/write', '3/read', '3/write']);
        expect(info(outs.client)).toMatchObject({ externalPsk: true, resumed: false, peerCertificates: [] });
        expect(info(outs.server)).toMatchObject({ externalPsk: true, resumed: false });
        // No Certificate or CertificateVerify: EE and Finished only.
        expect(messageTypes(outs.server)).toEqual([HandshakeType.server_hello, HandshakeType.encrypted_extensions, HandshakeType.finished]);
      });
    }
  }

  test('a SHA-384 PSK selects TLS_AES_256_GCM_SHA384', () => {
    const outs = pskOnly(bob384, [bob384]);
    expect(info(outs.client)).toMatchObject({ externalPsk: true, cipherSuite: 'TLS_AES_256_GCM_SHA384' });
    expectMatchingSecrets(outs);
  });

  test('with HelloRetryRequest the binder is recomputed over the new transcript', () => {
    const outs = pskOnly(alice, [alice], undefined, { client: ['x25519', 'secp256r1'], server: ['secp256r1'] });
    expect(messageTypes(outs.client).filter((t) => t === HandshakeType.client_hello).length).toBe(2);
    expect(info(outs.server)).toMatchObject({ externalPsk: true });
    expectMatchingSecrets(outs);
  });

  test('the right identity with the wrong key fails the binder: decrypt_error', () => {
    const outs = pskOnly({ identity: alice.identity, key: key(9) }, [alice]);
    expect(alertOf(outs.server)).toBe(Alert.decrypt_error);
    expect(info(outs.client)).toBeUndefined();
  });

  test('an unknown identity at a PSK-only server: handshake_failure', () => {
    const outs = pskOnly({ identity: enc('mallory'), key: key(1) }, [alice]);
    expect(alertOf(outs.server)).toBe(Alert.handshake_failure);
  });

  test('an unknown identity at a server with a certificate falls back to a full, verified handshake', () => {
    const { client, server, cert } = pair({ client: { psk: { identity: enc('mallory'), key: key(3) } }, server: { psks: table([alice]) } });
    const outs = run(client, server);
    expect(info(outs.client)).toMatchObject({ externalPsk: false, peerCertificates: cert.chain });
    expectMatchingSecrets(outs);
  });

  test('...and without trust anchors that fallback is refused by the client', () => {
    const cert = certFor('ecdsa-p256');
    const client = createTlsClient({ alpn: ['h3'], transportParameters: Uint8Array.of(1), psk: { identity: enc('mallory'), key: key(3) } });
    const server = createTlsServer({ alpn: ['h3'], transportParameters: Uint8Array.of(2), certificate: cert, psks: table([alice]) });
    expect(alertOf(run(client, server).client)).toBe(Alert.handshake_failure);
  });

  test('a PSK shorter than 16 bytes is refused before anything is sent', () => {
    const client = createTlsClient({ alpn: ['h3'], transportParameters: Uint8Array.of(1), psk: { identity: enc('a'), key: key(1, 8) } });
    client.start();
    const out = client.drain();
    expect(out).toEqual([expect.objectContaining({ type: 'alert', alert: Alert.internal_error })]);
  });

  test('a ClientHello listing thousands of identities costs at most 8 lookups', () => {
    let lookups = 0;
    const { client } = pair({ client: { psk: alice } });
    client.start();
    const ch = (client.drain()[0] as { data: Uint8Array }).data;
    // Rebuild the pre_shared_key extension with 1000 identities (binders of 32 bytes each; ~45 kB).
    const ids = Array.from({ length: 1000 }, (_, i) => ({ identity: enc(`id-${i}`), obfuscatedTicketAge: 0 }));
    const psk = encodeOfferedPsks({ identities: ids, binders: ids.map(() => new Uint8Array(32)) });
    const server = createTlsServer({ alpn: ['h3'], transportParameters: Uint8Array.of(2), psks: (id) => { lookups++; return undefined; }, certificate: certFor('ecdsa-p256') });
    const hello = replaceLastExtension(ch, 0x0029, psk);
    server.receive(0, hello);
    // The binders are zeros, so nothing is accepted; the point is how much work it took.
    expect(server.drain()).toEqual(expect.arrayContaining([expect.objectContaining({ type: 'handshake-data' })]));
    expect(lookups).toBe(8);
  });
});

/** Re-encodes a ClientHello message with its last extension's body replaced. */
function replaceLastExtension(ch: Uint8Array, type: number, body: Uint8Array): Uint8Array {
  // Walk the extensions to find the last one's offset.
  const b = ch.subarray(4);
  let p = 2 + 32;
  p += 1 + b[p];
  p += 2 + ((b[p] << 8) | b[p + 1]);
  p += 1 + b[p];
  const extStart = p + 2;
  let q = extStart, last = extStart;
  while (q < b.length) { last = q; q += 4 + ((b[q + 2] << 8) | b[q + 3]); }
  const head = b.subarray(0, last);
  const ext = new Uint8Array(4 + body.length);
  ext[0] = type >> 8; ext[1] = type & 0xff; ext[2] = body.length >> 8; ext[3] = body.length & 0xff;
  ext.set(body, 4);
  const out = new Uint8Array(head.length + ext.length);
  out.set(head); out.set(ext, head.length);
  const extLen = out.length - extStart;
  out[extStart - 2] = extLen >> 8; out[extStart - 1] = extLen & 0xff;
  const msg = new Uint8Array(4 + out.length);
  msg[0] = 1; msg[1] = out.length >> 16; msg[2] = (out.length >> 8) & 0xff; msg[3] = out.length & 0xff;
  msg.set(out, 4);
  return msg;
}
