// Credentials given to connect()/listen() and the endpoint factories are checked up
// front (host/api/credentials.ts): a mistake is a QuicArgumentError naming the option,
// thrown before a socket is bound, instead of a TLS alert that blames the peer's
// certificate or a server whose every handshake fails.

import { execFileSync } from 'node:child_process';
import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect, listen } from '../../host/node';
import { generateSelfSigned } from '../../host/tls/pki/index';
import { parsePemCertificates, parsePemPrivateKey } from '../../host/tls/pki/pem';
import { checkCertifiedKey, checkExternalPsk, checkTrustAnchors } from '../../host/api/credentials';
import { QuicArgumentError } from '../../host/errors';
import { makeSim } from '../transport/sim';

const cert = generateSelfSigned({ subjectAltNames: ['localhost'] });
const other = generateSelfSigned({ subjectAltNames: ['localhost'] });
const edCert = generateSelfSigned({ subjectAltNames: ['localhost'], keyType: 'ed25519' });

/** The QuicArgumentError `f` throws (fails the test when it throws nothing or something else). */
function argumentError(f: () => unknown): QuicArgumentError {
  try {
    f();
  } catch (err) {
    expect(err).toBeInstanceOf(QuicArgumentError);
    expect((err as QuicArgumentError).code).toBe('ERR_QUIC_INVALID_ARGUMENT');
    return err as QuicArgumentError;
  }
  throw new Error('expected a QuicArgumentError, nothing was thrown');
}

describe('trust anchors', () => {
  test('PEM text, alone or in the array, is refused with the function that decodes it', () => {
    expect(argumentError(() => checkTrustAnchors(cert.certPem, 'trustAnchors')).message).toMatch(/trustAnchors must be an array .* PEM text .*parsePemCertificates/);
    expect(argumentError(() => checkTrustAnchors([cert.certPem], 'trustAnchors')).message).toMatch(/trustAnchors\[0\] .*PEM text.*parsePemCertificates/);
    // readFileSync without an encoding: PEM as bytes.
    expect(argumentError(() => checkTrustAnchors([Buffer.from(cert.certPem)], 'trustAnchors')).message).toMatch(/trustAnchors\[0\] is PEM text, not DER/);
  });

  test('a lone certificate, a non-certificate, an empty list and other shapes are named', () => {
    expect(argumentError(() => checkTrustAnchors(cert.chain[0], 'trustAnchors')).message).toMatch(/one certificate goes in an array/);
    expect(argumentError(() => checkTrustAnchors([cert.chain[0], Uint8Array.of(1, 2, 3)], 'trustAnchors')).message).toMatch(/trustAnchors\[1\] is not a DER certificate: /);
    expect(argumentError(() => checkTrustAnchors([], 'clientTrustAnchors')).message).toMatch(/clientTrustAnchors is empty/);
    expect(argumentError(() => checkTrustAnchors([cert], 'trustAnchors')).message).toMatch(/trustAnchors\[0\] must be a DER certificate \(Uint8Array\), not an object/);
    expect(() => checkTrustAnchors([...cert.chain, ...parsePemCertificates(other.certPem)], 'trustAnchors')).not.toThrow();
  });
});

describe('a certificate and its key', () => {
  test('what generateSelfSigned() makes passes, and so does the same read back from PEM', () => {
    for (const c of [cert, edCert]) {
      expect(() => checkCertifiedKey(c, 'certificate')).not.toThrow();
      expect(() => checkCertifiedKey({ chain: parsePemCertificates(c.certPem), key: parsePemPrivateKey(c.keyPem) }, 'certificate')).not.toThrow();
    }
  });

  test('PEM where DER or a key object belongs is refused with the decoders to use', () => {
    expect(argumentError(() => checkCertifiedKey(cert.certPem, 'certificate')).message).toMatch(/certificate must be \{ chain, key \}.*parsePemPrivateKey\(keyPem\).*not PEM text/);
    expect(argumentError(() => checkCertifiedKey({ certPem: cert.certPem, keyPem: cert.keyPem }, 'certificate')).message).toMatch(/certificate\.chain must be .*for certPem\/keyPem/);
    expect(argumentError(() => checkCertifiedKey({ chain: [cert.certPem], key: cert.key }, 'certificate')).message).toMatch(/certificate\.chain\[0\] .*PEM text/);
    expect(argumentError(() => checkCertifiedKey({ chain: cert.chain, key: cert.keyPem }, 'certificate')).message).toMatch(/certificate\.key must be a private key .*parsePemPrivateKey/);
    expect(argumentError(() => checkCertifiedKey({ chain: [], key: cert.key }, 'certificate')).message).toMatch(/not an empty array/);
  });

  test("a key that is not the leaf's is refused: another P-256 key, a key of another type", () => {
    expect(argumentError(() => checkCertifiedKey({ chain: cert.chain, key: other.key }, 'certificate')).message).toMatch(/certificate\.key is not the key of certificate\.chain\[0\] \(another P-256 public key\)/);
    expect(argumentError(() => checkCertifiedKey({ chain: cert.chain, key: edCert.key }, 'certificate')).message).toMatch(/not for an Ed25519 key/);
    expect(argumentError(() => checkCertifiedKey({ chain: edCert.chain, key: cert.key }, 'certificate')).message).toMatch(/not for a P-256 key/);
    const otherEd = generateSelfSigned({ subjectAltNames: ['localhost'], keyType: 'ed25519' });
    expect(argumentError(() => checkCertifiedKey({ chain: edCert.chain, key: otherEd.key }, 'certificate')).message).toMatch(/another Ed25519 public key/);
  });

  test("RSA: the key's modulus must be the certificate's (PKCS#1 and PKCS#8 keys)", () => {
    const dir = mkdtempSync(join(tmpdir(), 'quicwasm-cred-'));
    execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-subj', '/CN=localhost', '-days', '2',
      '-keyout', join(dir, 'k.pem'), '-out', join(dir, 'c.pem')], { stdio: 'ignore' });
    const chain = parsePemCertificates(readFileSync(join(dir, 'c.pem'), 'utf8'));
    const pkcs8 = readFileSync(join(dir, 'k.pem'), 'utf8');
    const pkcs1 = execFileSync('openssl', ['rsa', '-traditional', '-in', join(dir, 'k.pem')], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
    expect(() => checkCertifiedKey({ chain, key: parsePemPrivateKey(pkcs8) }, 'certificate')).not.toThrow();
    expect(() => checkCertifiedKey({ chain, key: parsePemPrivateKey(pkcs1) }, 'certificate')).not.toThrow();
    const foreign = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ type: 'pkcs8', format: 'pem' }) as string;
    expect(argumentError(() => checkCertifiedKey({ chain, key: parsePemPrivateKey(foreign) }, 'certificate')).message).toMatch(/another RSA modulus/);
    expect(argumentError(() => checkCertifiedKey({ chain, key: cert.key }, 'certificate')).message).toMatch(/not for a P-256 key/);
  });
});

test('external PSKs: identity, key length and hash are named', () => {
  const key = new Uint8Array(32).fill(7);
  expect(argumentError(() => checkExternalPsk('secret', 'psk')).message).toMatch(/psk must be \{ identity/);
  expect(argumentError(() => checkExternalPsk({ identity: 'me', key }, 'psk')).message).toMatch(/psk\.identity must be 1\.\.65535 bytes/);
  expect(argumentError(() => checkExternalPsk({ identity: Uint8Array.of(1), key: key.subarray(0, 8) }, 'psk')).message).toMatch(/psk\.key must be at least 16 random bytes .* not 8 bytes/);
  expect(argumentError(() => checkExternalPsk({ identity: Uint8Array.of(1), key, hash: 'md5' }, 'psk')).message).toMatch(/psk\.hash/);
  expect(() => checkExternalPsk({ identity: Uint8Array.of(1), key, hash: 'sha384' }, 'psk')).not.toThrow();
});

describe('connect() and listen() check them before binding a socket', () => {
  test('connect() with PEM anchors rejects at once with the argument error, not a handshake failure', async () => {
    // Port 9 (discard) on loopback: nothing answers, so any error that is not the
    // argument error would have to be a timeout.
    const base = { address: '127.0.0.1', port: 9, alpn: ['x'], timeoutMs: 2000 };
    await expect(connect({ ...base, trustAnchors: [cert.certPem] as never })).rejects.toThrow(/trustAnchors\[0\] must be a DER certificate .*parsePemCertificates/);
    await expect(connect({ ...base, serverName: 5 as never })).rejects.toThrow(QuicArgumentError);
    await expect(connect({ ...base, trustAnchors: cert.chain, certificate: { chain: cert.chain, key: other.key } })).rejects.toThrow(/certificate\.key is not the key/);
    await expect(connect({ ...base, psk: { identity: Uint8Array.of(1), key: new Uint8Array(4) } })).rejects.toThrow(/psk\.key must be at least 16/);
  });

  test('listen() refuses a mismatched key, PEM fields, and client auth without anchors', async () => {
    await expect(listen({ port: 0, alpn: ['x'], certificate: { chain: cert.chain, key: other.key } })).rejects.toThrow(/certificate\.key is not the key of certificate\.chain\[0\]/);
    await expect(listen({ port: 0, alpn: ['x'], certificate: { certPem: cert.certPem, keyPem: cert.keyPem } as never })).rejects.toThrow(/parsePemCertificates\(certPem\)/);
    await expect(listen({ port: 0, alpn: ['x'], certificate: cert, clientAuth: 'require' })).rejects.toThrow(/clientAuth 'require' needs clientTrustAnchors/);
    await expect(listen({ port: 0, alpn: ['x'], certificate: cert, clientAuth: 'sometimes' as never })).rejects.toThrow(/clientAuth must be/);
    await expect(listen({ port: 0, alpn: ['x'], certificate: cert, psks: 'x' as never })).rejects.toThrow(/psks must be a function/);
  });

  test('PEM files decoded with parsePemCertificates / parsePemPrivateKey carry a verified connection', async () => {
    const server = await listen({ address: '127.0.0.1', port: 0, alpn: ['pem'], certificate: { chain: parsePemCertificates(cert.certPem), key: parsePemPrivateKey(cert.keyPem) } });
    const accepted = (async () => { for await (const c of server) { const s = await c.acceptStream(); await s.end(await s.readAll()); } })();
    const conn = await connect({ address: '127.0.0.1', port: server.address.port, alpn: ['pem'], serverName: 'localhost', trustAnchors: parsePemCertificates(cert.certPem) });
    const s = await conn.openStreamAsync();
    await s.end('from PEM');
    expect(new TextDecoder().decode(await s.readAll())).toBe('from PEM');
    await conn.close();
    await server.close();
    await accepted.catch(() => undefined);
  });
});

test('the portable factories check too: createServerEndpoint and connectTo throw synchronously', () => {
  expect(() => makeSim({ server: { certificate: { chain: cert.chain, key: other.key } } })).toThrow(/certificate\.key is not the key/);
  const sim = makeSim();
  expect(() => sim.client.connectTo(0, { serverName: 'localhost', trustAnchors: cert.certPem as never })).toThrow(/trustAnchors must be an array/);
  expect(() => sim.client.connectTo(0, { serverName: '' })).toThrow(/serverName must be a non-empty/);
});

describe('generateSelfSigned() and the PEM decoders name what is wrong', () => {
  test('a validity that is not a positive number of days, a key type it cannot make, a notBefore that is not a Date', () => {
    expect(argumentError(() => generateSelfSigned({ subjectAltNames: ['x'], validityDays: -1 })).message).toMatch(/validityDays must be a number of days/);
    expect(argumentError(() => generateSelfSigned({ subjectAltNames: ['x'], validityDays: 'x' as never })).message).toMatch(/validityDays/);
    expect(argumentError(() => generateSelfSigned({ subjectAltNames: ['x'], keyType: 'rsa' })).message).toMatch(/keyType must be 'ecdsa-p256' or 'ed25519' \(RSA keys load from PEM/);
    expect(argumentError(() => generateSelfSigned({ subjectAltNames: ['x'], notBefore: '2020' as never })).message).toMatch(/notBefore must be a valid Date/);
  });

  test("an issuer whose key is not its certificate's is refused (what it signed would not verify)", () => {
    const ca = generateSelfSigned({ subjectAltNames: [], isCA: true, commonName: 'CA' });
    expect(() => generateSelfSigned({ subjectAltNames: ['x'], issuer: ca })).not.toThrow();
    expect(argumentError(() => generateSelfSigned({ subjectAltNames: ['x'], issuer: { chain: ca.chain, key: other.key } })).message).toMatch(/issuer\.key is not the key of issuer\.chain\[0\] \(another P-256 public key\)/);
    expect(argumentError(() => generateSelfSigned({ subjectAltNames: ['x'], issuer: 'ca' as never })).message).toMatch(/issuer must be a CA/);
  });

  test('PEM from bytes (readFileSync without an encoding) decodes; a non-text argument and bad base64 are named', () => {
    expect(parsePemCertificates(Buffer.from(cert.certPem) as never)).toEqual(cert.chain);
    expect(argumentError(() => parsePemCertificates(5 as never)).message).toMatch(/PEM must be text/);
    expect(() => parsePemPrivateKey('-----BEGIN PRIVATE KEY-----\n!!!!\n-----END PRIVATE KEY-----')).toThrow(/a PEM block that is not base64/);
  });
});
