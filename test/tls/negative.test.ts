// Every failure ends in its specific TLS alert (reported as an output, never thrown).
import { createTlsClient, createTlsServer, Alert, Level, type TlsOutput } from '../../host/tls/engine';
import { generateSelfSigned } from '../../host/tls/pki/index';
import { Suite } from '../../host/crypto/suites';
import { run, pair } from './helpers';
import { Prng } from '../../host/net/prng';

const alertOf = (outs: TlsOutput[]) => outs.find((o) => o.type === 'alert') as { alert: number } | undefined;

describe('TLS alerts', () => {
  test('unknown CA → unknown_ca (48)', () => {
    const other = generateSelfSigned({ subjectAltNames: ['localhost'] });
    const { client, server } = pair({ trust: [other.chain[0]] });
    expect(alertOf(run(client, server).client)?.alert).toBe(Alert.unknown_ca);
  });

  test('wrong host name → bad_certificate (42)', () => {
    const { client, server } = pair({ serverName: 'example.org' });
    expect(alertOf(run(client, server).client)?.alert).toBe(Alert.bad_certificate);
  });

  test('expired certificate → certificate_expired (45)', () => {
    const { client, server } = pair({ now: () => new Date(Date.now() + 400 * 86_400_000) });
    expect(alertOf(run(client, server).client)?.alert).toBe(Alert.certificate_expired);
  });

  test('CA-signed leaf verifies with only the CA trusted; a leaf-only trust list is unknown_ca for another leaf', () => {
    const ca = generateSelfSigned({ subjectAltNames: [], isCA: true, commonName: 'test CA' });
    const leaf = generateSelfSigned({ subjectAltNames: ['localhost'], issuer: ca });
    const client = createTlsClient({ alpn: ['h3'], transportParameters: new Uint8Array(1), serverName: 'localhost', trustAnchors: [ca.chain[0]] });
    const server = createTlsServer({ alpn: ['h3'], transportParameters: new Uint8Array(1), certificate: leaf });
    const outs = run(client, server);
    expect(outs.client.some((o) => o.type === 'complete')).toBe(true);
  });

  test('bad CertificateVerify signature → decrypt_error (51)', () => {
    const { client, server } = pair();
    const outs = run(client, server, (from, level, data) => {
      // The CertificateVerify message (type 15) carries the signature at its end.
      if (from === 'server' && level === Level.Handshake && data[0] === 15) { const d = data.slice(); d[d.length - 3] ^= 1; return d; }
      return data;
    });
    expect(alertOf(outs.client)?.alert).toBe(Alert.decrypt_error);
  });

  test('bad server Finished → decrypt_error (51)', () => {
    const { client, server } = pair();
    const outs = run(client, server, (from, level, data) => {
      if (from === 'server' && level === Level.Handshake && data[0] === 20) { const d = data.slice(); d[10] ^= 1; return d; }
      return data;
    });
    expect(alertOf(outs.client)?.alert).toBe(Alert.decrypt_error);
  });

  test('bad client Finished → decrypt_error (51) at the server', () => {
    const { client, server } = pair();
    const outs = run(client, server, (from, level, data) => {
      if (from === 'client' && level === Level.Handshake && data[0] === 20) { const d = data.slice(); d[10] ^= 1; return d; }
      return data;
    });
    expect(alertOf(outs.server)?.alert).toBe(Alert.decrypt_error);
  });

  test('no common ALPN → no_application_protocol (120)', () => {
    const { client, server } = pair({ clientAlpn: ['h3'], serverAlpn: ['hq-interop'] });
    expect(alertOf(run(client, server).server)?.alert).toBe(Alert.no_application_protocol);
  });

  test('no common cipher suite → handshake_failure (40)', () => {
    const cert = generateSelfSigned({ subjectAltNames: ['localhost'] });
    const client = createTlsClient({ alpn: ['h3'], transportParameters: new Uint8Array(1), trustAnchors: [cert.chain[0]], cipherSuites: [Suite.Aes256Gcm] });
    const server = createTlsServer({ alpn: ['h3'], transportParameters: new Uint8Array(1), certificate: cert, cipherSuites: [Suite.ChaCha20Poly1305] });
    expect(alertOf(run(client, server).server)?.alert).toBe(Alert.handshake_failure);
  });

  test('no common group → handshake_failure (40)', () => {
    const { client, server } = pair({ clientGroups: ['x25519'], serverGroups: ['secp256r1'] });
    expect(alertOf(run(client, server).server)?.alert).toBe(Alert.handshake_failure);
  });

  test('missing quic_transport_parameters → missing_extension (109)', () => {
    const { client, server } = pair();
    const outs = run(client, server, (from, level, data) => {
      if (from === 'client' && level === Level.Initial) {
        // Rename the 0x0039 extension to an unknown type so the server does not find it.
        const d = data.slice();
        for (let i = d.length - 4; i > 0; i--) if (d[i] === 0x00 && d[i + 1] === 0x39 && d[i + 2] === 0x00 && d[i + 3] === 3) { d[i + 1] = 0x3a; break; }
        return d;
      }
      return data;
    });
    expect(alertOf(outs.server)?.alert).toBe(Alert.missing_extension);
  });

  test('verification can only be skipped with the loudly named option', () => {
    const cert = generateSelfSigned({ subjectAltNames: ['localhost'] });
    const noTrust = createTlsClient({ alpn: ['h3'], transportParameters: new Uint8Array(1) });
    noTrust.start();
    expect(alertOf(noTrust.drain())?.alert).toBe(Alert.internal_error);
    const skip = createTlsClient({ alpn: ['h3'], transportParameters: new Uint8Array(1), serverName: 'wrong.example', dangerouslySkipCertificateVerification: true });
    const server = createTlsServer({ alpn: ['h3'], transportParameters: new Uint8Array(1), certificate: cert });
    expect(run(skip, server).client.some((o) => o.type === 'complete')).toBe(true);
  });

  test('truncated and malformed messages → decode_error (50) or another alert, never an exception', () => {
    const { client } = pair();
    client.start();
    const ch = (client.drain()[0] as { data: Uint8Array }).data;
    const prng = new Prng(77);
    const cert = generateSelfSigned({ subjectAltNames: ['localhost'] });
    for (let i = 0; i < 3000; i++) {
      const server = createTlsServer({ alpn: ['h3'], transportParameters: new Uint8Array(1), certificate: cert });
      let input: Uint8Array;
      if (i < ch.length) {
        // Every truncation, with the length field fixed up so the message is "complete".
        const body = ch.subarray(4, 4 + i);
        input = Uint8Array.of(1, (body.length >> 16) & 0xff, (body.length >> 8) & 0xff, body.length & 0xff, ...body);
      } else {
        input = ch.slice();
        for (let k = 0; k < 3; k++) input[4 + prng.int(input.length - 4)] = prng.int(256);
      }
      expect(() => server.receive(Level.Initial, input)).not.toThrow();
      const outs = server.drain();
      const a = alertOf(outs);
      if (i < ch.length - 4) expect(a?.alert).toBe(Alert.decode_error);
      else if (a) expect(a.alert).toBeGreaterThan(0);
    }
  });
});
