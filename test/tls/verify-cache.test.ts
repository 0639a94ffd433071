// The chain-verification cache: a repeated question is answered without signature
// checks; any change in what the answer depends on (chain, name, anchors, purpose) or
// a time outside every certificate's validity re-verifies; failures are never kept.
import { CertificateVerificationCache, generateSelfSigned } from '../../host/tls/pki/index';
import { verifyCertificateSignature } from '../../host/tls/pki/keys';
import type { VerifyOptions } from '../../host/tls/pki/verify';
import type { Certificate } from '../../host/tls/pki/x509';
import { Alert, createTlsClient, createTlsServer } from '../../host/tls/engine';
import { run } from './helpers';

const DAY = 86_400_000;
const start = new Date(Date.UTC(2026, 0, 1));
// The intermediate expires after 10 days, the leaf after 31: a cached success must end with the intermediate.
const ca = generateSelfSigned({ subjectAltNames: [], isCA: true, commonName: 'cache CA', notBefore: start, validityDays: 365 });
const inter = generateSelfSigned({ subjectAltNames: [], isCA: true, commonName: 'cache intermediate', issuer: ca, notBefore: start, validityDays: 10 });
const leaf = generateSelfSigned({ subjectAltNames: ['localhost', 'other.test'], issuer: inter, notBefore: new Date(start.getTime() + DAY), validityDays: 30 });
const otherCa = generateSelfSigned({ subjectAltNames: [], isCA: true, commonName: 'unrelated CA' });
const at = (days: number) => new Date(start.getTime() + days * DAY);

function counting() {
  let calls = 0;
  const checkSignature = (c: Certificate, i: Certificate) => { calls++; return verifyCertificateSignature(c, i); };
  return { checkSignature, get calls() { return calls; } };
}

describe('CertificateVerificationCache', () => {
  const base = (sig: ReturnType<typeof counting>, o: Partial<VerifyOptions> = {}): VerifyOptions =>
    ({ trustAnchors: [ca.chain[0]], serverName: 'localhost', purpose: 'server', now: at(2), checkSignature: sig.checkSignature, ...o });

  test('the second verification of the same chain runs no signature check', () => {
    const cache = new CertificateVerificationCache();
    const sig = counting();
    const first = cache.verify(leaf.chain, base(sig));
    expect(first.ok).toBe(true);
    const afterFirst = sig.calls;
    expect(afterFirst).toBeGreaterThan(0);
    const second = cache.verify(leaf.chain, base(sig, { now: at(5) }));
    expect(second.ok).toBe(true);
    expect(sig.calls).toBe(afterFirst);
    expect(second.ok && first.ok && second.leaf.der).toBe(first.ok && first.leaf.der);
    expect(second.ok && second.validUntil.getTime()).toBe(at(10).getTime()); // the intermediate's notAfter, not the leaf's
    expect([cache.hits, cache.misses]).toEqual([1, 1]);
  });

  test('another server name, anchor set, purpose or chain misses', () => {
    const cache = new CertificateVerificationCache();
    const sig = counting();
    cache.verify(leaf.chain, base(sig));
    let calls = sig.calls;
    const expectMiss = (o: Partial<VerifyOptions>, chain = leaf.chain) => {
      expect(cache.verify(chain, base(sig, o)).ok).toBe(true);
      expect(sig.calls).toBeGreaterThan(calls);
      calls = sig.calls;
    };
    expectMiss({ serverName: 'other.test' });
    expectMiss({ serverName: undefined });
    expectMiss({ trustAnchors: [otherCa.chain[0], ca.chain[0]] });
    expectMiss({ purpose: 'client' });
    expectMiss({}, leaf.chain.slice(0, 2)); // without the root's copy
    // ...and each of those is now a hit of its own.
    cache.verify(leaf.chain, base(sig, { serverName: 'other.test' }));
    cache.verify(leaf.chain, base(sig, { trustAnchors: [otherCa.chain[0], ca.chain[0]] }));
    expect(sig.calls).toBe(calls);
    // A new array with the same anchors is the same set.
    cache.verify(leaf.chain, base(sig, { trustAnchors: [ca.chain[0]].slice() }));
    expect(sig.calls).toBe(calls);
  });

  test('outside the validity of any certificate in the chain the entry is not used: re-verified, and the failure reported', () => {
    const cache = new CertificateVerificationCache();
    const sig = counting();
    expect(cache.verify(leaf.chain, base(sig)).ok).toBe(true);
    const calls = sig.calls;
    // Day 10.5: the leaf is valid, the intermediate has expired.
    expect(cache.verify(leaf.chain, base(sig, { now: at(10.5) }))).toMatchObject({ ok: false, alert: Alert.certificate_expired });
    // Day 0.5: the intermediate is valid, the leaf not yet.
    expect(cache.verify(leaf.chain, base(sig, { now: at(0.5) }))).toMatchObject({ ok: false, alert: Alert.certificate_expired });
    expect(cache.size).toBe(0);
    expect(cache.verify(leaf.chain, base(sig)).ok).toBe(true);
    expect(sig.calls).toBeGreaterThan(calls);
  });

  test('failures are never stored', () => {
    const cache = new CertificateVerificationCache();
    const sig = counting();
    const o = base(sig, { trustAnchors: [otherCa.chain[0]] });
    expect(cache.verify(leaf.chain, o)).toMatchObject({ ok: false, alert: Alert.unknown_ca });
    const bad = leaf.chain[0].slice();
    bad[bad.length - 5] ^= 1; // the signature
    expect(cache.verify([bad, ...leaf.chain.slice(1)], base(sig))).toMatchObject({ ok: false, alert: Alert.bad_certificate });
    const calls = sig.calls;
    expect(cache.verify([bad, ...leaf.chain.slice(1)], base(sig))).toMatchObject({ ok: false, alert: Alert.bad_certificate });
    expect(sig.calls).toBeGreaterThan(calls);
    expect(cache.size).toBe(0);
  });

  test('bounded: the least recently used entry goes first', () => {
    const cache = new CertificateVerificationCache({ capacity: 2 });
    const sig = counting();
    const names = ['localhost', 'other.test'];
    cache.verify(leaf.chain, base(sig, { serverName: names[0] }));
    cache.verify(leaf.chain, base(sig, { serverName: names[1] }));
    cache.verify(leaf.chain, base(sig, { serverName: names[0] })); // hit: names[0] is now the most recent
    cache.verify(leaf.chain, base(sig, { serverName: undefined })); // evicts names[1]
    expect(cache.size).toBe(2);
    const calls = sig.calls;
    cache.verify(leaf.chain, base(sig, { serverName: names[0] }));
    expect(sig.calls).toBe(calls);
    cache.verify(leaf.chain, base(sig, { serverName: names[1] }));
    expect(sig.calls).toBeGreaterThan(calls);
  });

  test('the TLS client uses the cache it is given: the second handshake is a hit', () => {
    const cache = new CertificateVerificationCache();
    for (let i = 0; i < 2; i++) {
      const client = createTlsClient({ alpn: ['h3'], transportParameters: new Uint8Array(1), serverName: 'localhost', trustAnchors: [ca.chain[0]], now: () => at(2), verificationCache: cache });
      const server = createTlsServer({ alpn: ['h3'], transportParameters: new Uint8Array(1), certificate: leaf });
      expect(run(client, server).client.some((o) => o.type === 'complete')).toBe(true);
    }
    expect([cache.hits, cache.misses]).toEqual([1, 1]);
  });

  test('so does the TLS server, for client certificates', () => {
    const cache = new CertificateVerificationCache();
    const serverCert = generateSelfSigned({ subjectAltNames: ['localhost'], notBefore: at(1) });
    for (let i = 0; i < 2; i++) {
      const client = createTlsClient({ alpn: ['h3'], transportParameters: new Uint8Array(1), serverName: 'localhost', trustAnchors: [serverCert.chain[0]], now: () => at(2), certificate: leaf, verificationCache: null });
      const server = createTlsServer({ alpn: ['h3'], transportParameters: new Uint8Array(1), certificate: serverCert, clientAuth: 'require', clientTrustAnchors: [ca.chain[0]], now: () => at(2), verificationCache: cache });
      expect(run(client, server).server.some((o) => o.type === 'complete')).toBe(true);
    }
    expect([cache.hits, cache.misses]).toEqual([1, 1]);
  });
});

test('an anchor replaced in the same array (a distrusted root) takes effect at once', () => {
  const cache = new CertificateVerificationCache();
  const anchors = [ca.chain[0]];
  const o = { trustAnchors: anchors, serverName: 'localhost', purpose: 'server' as const, now: at(2) };
  expect(cache.verify(leaf.chain, o).ok).toBe(true);
  anchors[0] = otherCa.chain[0];
  expect(cache.verify(leaf.chain, o)).toMatchObject({ ok: false, alert: Alert.unknown_ca });
});
