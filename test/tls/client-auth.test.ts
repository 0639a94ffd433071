// Client certificates (seed 001's certificate_request option): the server ignores,
// requests or requires them; the client's chain is verified against the server's
// client trust anchors and its CertificateVerify checked.
import { Alert, Level } from '../../host/tls/engine';
import { HandshakeType } from '../../host/tls/constants';
import { generateSelfSigned, type KeyType } from '../../host/tls/pki/index';
import { alertOf, expectMatchingSecrets, info, messageTypes, pair, run } from './helpers';

const clientCerts: Record<string, ReturnType<typeof generateSelfSigned>> = {};
const clientCert = (t: KeyType) => (clientCerts[t] ??= generateSelfSigned({ subjectAltNames: ['client.example'], keyType: t }));

describe('client certificates', () => {
  for (const keyType of ['ecdsa-p256', 'ed25519'] as KeyType[]) {
    for (const mode of ['request', 'require'] as const) {
      test(`${mode}: a ${keyType} client certificate is verified and reported`, () => {
        const cc = clientCert(keyType);
        const { client, server } = pair({ client: { certificate: cc }, server: { clientAuth: mode, clientTrustAnchors: [cc.chain[0]] } });
        const outs = run(client, server);
        expect(alertOf(outs.client)).toBeUndefined();
        expect(alertOf(outs.server)).toBeUndefined();
        expect(expectMatchingSecrets(outs)).toEqual(['2/read', '2/write', '3/read', '3/write']);
        expect(info(outs.server)!.peerCertificates).toEqual(cc.chain);
        // Server flight: EE, CertificateRequest, Certificate, CertificateVerify, Finished.
        expect(messageTypes(outs.server)).toContain(HandshakeType.certificate_request);
        // Client flight after ClientHello: Certificate, CertificateVerify, Finished.
        expect(messageTypes(outs.client)).toEqual([HandshakeType.client_hello, HandshakeType.certificate, HandshakeType.certificate_verify, HandshakeType.finished]);
      });
    }
  }

  test("request: a client without a certificate sends an empty one and gets in", () => {
    const cc = clientCert('ecdsa-p256');
    const { client, server } = pair({ server: { clientAuth: 'request', clientTrustAnchors: [cc.chain[0]] } });
    const outs = run(client, server);
    expect(info(outs.server)!.peerCertificates).toEqual([]);
    expect(messageTypes(outs.client)).toEqual([HandshakeType.client_hello, HandshakeType.certificate, HandshakeType.finished]);
    expectMatchingSecrets(outs);
  });

  test('require: no client certificate ends with certificate_required', () => {
    const cc = clientCert('ecdsa-p256');
    const { client, server } = pair({ server: { clientAuth: 'require', clientTrustAnchors: [cc.chain[0]] } });
    const outs = run(client, server);
    expect(alertOf(outs.server)).toBe(Alert.certificate_required);
    expect(info(outs.server)).toBeUndefined();
  });

  test('require: a client certificate from an unknown CA ends with unknown_ca', () => {
    const trusted = clientCert('ecdsa-p256');
    const other = clientCert('ed25519');
    const { client, server } = pair({ client: { certificate: other }, server: { clientAuth: 'require', clientTrustAnchors: [trusted.chain[0]] } });
    expect(alertOf(run(client, server).server)).toBe(Alert.unknown_ca);
  });

  test("a bad client CertificateVerify signature ends with decrypt_error", () => {
    const cc = clientCert('ecdsa-p256');
    const { client, server } = pair({ client: { certificate: cc }, server: { clientAuth: 'require', clientTrustAnchors: [cc.chain[0]] } });
    const outs = run(client, server, (from, level, data) => {
      if (from !== 'client' || level !== Level.Handshake || data[0] !== HandshakeType.certificate_verify) return data;
      const d = data.slice();
      d[d.length - 5] ^= 1;
      return d;
    });
    expect(alertOf(outs.server)).toBe(Alert.decrypt_error);
  });

  test("none (the default): no CertificateRequest, and the client's certificate stays home", () => {
    const { client, server } = pair({ client: { certificate: clientCert('ecdsa-p256') } });
    const outs = run(client, server);
    expect(messageTypes(outs.server)).not.toContain(HandshakeType.certificate_request);
    expect(messageTypes(outs.client)).toEqual([HandshakeType.client_hello, HandshakeType.finished]);
    expect(info(outs.server)!.peerCertificates).toEqual([]);
  });

  test('a server asking for client certificates without trust anchors is a configuration error', () => {
    expect(() => pair({ server: { clientAuth: 'require' } })).toThrow(/clientTrustAnchors/);
  });

  test('extendedKeyUsage is enforced both ways: a serverAuth-only certificate cannot authenticate a client, and vice versa', () => {
    const serverOnly = generateSelfSigned({ subjectAltNames: ['client.example'], extendedKeyUsage: ['serverAuth'] });
    const { client, server } = pair({ client: { certificate: serverOnly }, server: { clientAuth: 'require', clientTrustAnchors: [serverOnly.chain[0]] } });
    expect(alertOf(run(client, server).server)).toBe(Alert.unsupported_certificate);
    const clientOnly = generateSelfSigned({ subjectAltNames: ['localhost'], extendedKeyUsage: ['clientAuth'] });
    const p = pair({ trust: [clientOnly.chain[0]], server: { certificate: clientOnly } });
    expect(alertOf(run(p.client, p.server).client)).toBe(Alert.unsupported_certificate);
  });
});
