// Every rejection names its reason (which certificate, which rule) and carries the alert
// that fits it, up to the error the application sees from connect().
import { Alert } from '../../host/tls/engine';
import { generateSelfSigned, verifyCertificateChain, type VerifyOptions } from '../../host/tls/pki/index';
import { makeSim, runUntil } from '../transport/sim';
import { OpensslChains } from './openssl-chain';

const x = new OpensslChains();
afterAll(() => x.cleanup());

const ca = generateSelfSigned({ subjectAltNames: [], isCA: true, commonName: 'Reasons CA' });
const leaf = generateSelfSigned({ subjectAltNames: ['localhost'], issuer: ca, commonName: 'reasons leaf' });
const opts = (o: Partial<VerifyOptions> = {}): VerifyOptions => ({ trustAnchors: [ca.chain[0]], serverName: 'localhost', purpose: 'server', ...o });

describe('rejection reasons', () => {
  test.each<[string, () => ReturnType<typeof verifyCertificateChain>, number, string]>([
    ['wrong name', () => verifyCertificateChain(leaf.chain, opts({ serverName: 'example.org' })), Alert.bad_certificate,
      'certificate is not valid for "example.org" (names: localhost)'],
    ['expired', () => verifyCertificateChain(leaf.chain, opts({ now: new Date(Date.now() + 90 * 86_400_000) })), Alert.certificate_expired,
      'certificate 0 ("reasons leaf") expired'],
    ['not yet valid', () => verifyCertificateChain(leaf.chain, opts({ now: new Date(Date.now() - 86_400_000) })), Alert.certificate_expired,
      'certificate 0 ("reasons leaf") is not valid before'],
    ['unknown CA', () => verifyCertificateChain(leaf.chain, opts({ trustAnchors: [generateSelfSigned({ subjectAltNames: [], isCA: true }).chain[0]] })), Alert.unknown_ca,
      'no trust anchor issued certificate 1 ("Reasons CA")'],
    ['issuer is not a CA', () => {
      const notCa = generateSelfSigned({ subjectAltNames: ['not-a-ca'], commonName: 'plain leaf' });
      return verifyCertificateChain(generateSelfSigned({ subjectAltNames: ['localhost'], issuer: notCa }).chain, opts({ trustAnchors: [notCa.chain[0]] }));
    }, Alert.bad_certificate, '"plain leaf" issued a certificate but is not a CA (basicConstraints)'],
    ['bad signature under the anchor, chain with the CA copy', () => {
      const bad = leaf.chain[0].slice();
      bad[bad.length - 5] ^= 1;
      return verifyCertificateChain([bad, ca.chain[0]], opts());
    }, Alert.bad_certificate, 'the signature of "Reasons CA" on certificate 0 ("reasons leaf") does not verify'],
    ['bad signature under the anchor, leaf alone', () => {
      const bad = leaf.chain[0].slice();
      bad[bad.length - 5] ^= 1;
      return verifyCertificateChain([bad], opts());
    }, Alert.unknown_ca, 'no trust anchor issued certificate 0 ("reasons leaf"): the anchor "Reasons CA" has its issuer\'s name, but its signature does not verify'],
    ['extendedKeyUsage for clients only', () => verifyCertificateChain(generateSelfSigned({ subjectAltNames: ['localhost'], issuer: ca, extendedKeyUsage: ['clientAuth'], commonName: 'client only' }).chain, opts()),
      Alert.unsupported_certificate, 'leaf "client only" extendedKeyUsage (1.3.6.1.5.5.7.3.2) does not allow server authentication'],
  ])('%s', (_, verify, alert, reason) => {
    const r = verify();
    expect(r).toMatchObject({ ok: false, alert });
    expect(!r.ok && r.reason).toContain(reason);
  });

  test('a bad signature by an intermediate in the chain names both certificates', () => {
    const inter = generateSelfSigned({ subjectAltNames: [], isCA: true, issuer: ca, commonName: 'Reasons intermediate' });
    const l = generateSelfSigned({ subjectAltNames: ['localhost'], issuer: inter, commonName: 'leaf under intermediate' });
    const bad = l.chain[0].slice();
    bad[bad.length - 5] ^= 1;
    const r = verifyCertificateChain([bad, ...l.chain.slice(1)], opts());
    expect(r).toMatchObject({ ok: false, alert: Alert.bad_certificate });
    expect(!r.ok && r.reason).toBe('the signature of "Reasons intermediate" on certificate 0 ("leaf under intermediate") does not verify');
  });

  test('path length', () => {
    const root = x.ca('pathlen root', ['basicConstraints=critical,CA:TRUE,pathlen:0']);
    // x.ca puts basicConstraints first; openssl takes the last line for a repeated extension name.
    const inter = x.ca('pathlen intermediate', [], root);
    const l = x.leaf('localhost', ['DNS:localhost'], inter);
    expect(x.opensslVerify(root, l, [inter])).toBe('path length constraint exceeded');
    const r = verifyCertificateChain([l.der, inter.der], opts({ trustAnchors: [root.der] }));
    expect(r).toMatchObject({ ok: false, alert: Alert.bad_certificate });
    expect(!r.ok && r.reason).toContain('path length constraint of "pathlen root" exceeded (1 CA certificates below it, pathLenConstraint 0)');
  });

  test('the error from connect() carries the alert and the name-constraint reason', async () => {
    const root = x.ca('NC root for connect', ['nameConstraints=critical,permitted;DNS:example.com']);
    const l = x.leaf('localhost', ['DNS:localhost'], root);
    const sim = makeSim({ server: { certificate: { chain: [l.der], key: l.key } } });
    sim.server.accept().catch(() => undefined);
    const conn = sim.client.connectTo(0, { serverName: 'localhost', trustAnchors: [root.der] });
    let failure: (Error & { code?: unknown; errorCode?: unknown }) | null = null;
    conn.established.then(() => undefined, (e) => { failure = e; });
    expect(await runUntil(sim.clock, () => failure !== null)).toBe(true);
    expect(failure!.message).toContain('bad_certificate');
    expect(failure!.message).toContain('certificate name localhost violates the name constraints of "NC root for connect" (permitted: example.com)');
  });
});
