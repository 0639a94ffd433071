// A server's Certificate message is kept once per endpoint and referenced from each
// connection's CRYPTO send buffer (assembly/conn/shared-flight.ts, crypto-send.ts). With
// a certificate large enough that the flight spans several packets, over a link that
// loses, reorders and duplicates datagrams (so CRYPTO ranges are resent in other
// pieces), every client still receives the certificate byte for byte.
import { makeSim, connectSim, runUntil } from './sim';
import { generateSelfSigned } from '../../host/tls/pki/index';

/** A self-signed certificate of ~3 KB: many names. */
function bigCertificate(label: string) {
  const names = Array.from({ length: 120 }, (_, i) => `host-${i}.${label}.example`);
  return generateSelfSigned({ subjectAltNames: ['localhost', ...names] });
}

describe('a shared Certificate message', () => {
  test('a flight of several packets, lost and resent in pieces: each client gets the certificate intact', async () => {
    const big = bigCertificate('one');
    expect(big.chain[0].length).toBeGreaterThan(2500);
    const lossy = { loss: 0.15, reorder: 0.1, duplicate: 0.05 };
    const sim = makeSim({ seed: 7, aToB: lossy, bToA: lossy, server: { certificate: big } });
    for (let i = 0; i < 6; i++) {
      const pair = await connectSim(sim, { trustAnchors: [big.chain[0]] });
      expect(pair).not.toBeNull();
      expect(pair!.client.handshakeInfo!.peerCertificates).toEqual(big.chain);
    }
  }, 60_000);

  test('handshakes in flight at once on one server all get its certificate; another endpoint (its own core) serves its own', async () => {
    const a = bigCertificate('a');
    const b = bigCertificate('b');
    const simA = makeSim({ seed: 3, server: { certificate: a } });
    // Several handshakes at once on one server: their first flights all reference the same bytes.
    const done: boolean[] = [];
    for (let i = 0; i < 4; i++) {
      const c = simA.client.connectTo(0, { serverName: 'localhost', trustAnchors: [a.chain[0]] });
      c.established.then(() => { done[i] = c.handshakeInfo!.peerCertificates[0].length === a.chain[0].length && c.handshakeInfo!.peerCertificates[0].every((x, j) => x === a.chain[0][j]); });
    }
    expect(await runUntil(simA.clock, () => done.filter(Boolean).length === 4)).toBe(true);
    // Another server with another certificate: its clients get that one.
    const simB = makeSim({ seed: 4, server: { certificate: b } });
    const pair = await connectSim(simB, { trustAnchors: [b.chain[0]] });
    expect(pair!.client.handshakeInfo!.peerCertificates).toEqual(b.chain);
  }, 60_000);
});
