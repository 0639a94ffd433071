// Extension edge cases openssl will not write: malformed nameConstraints and policy
// extensions, duplicates, wildcard SANs against excluded subtrees; built with
// generateSelfSigned's extraExtensions. Malformed input is bad_certificate, never a throw.
import { Alert } from '../../host/tls/engine';
import { generateSelfSigned, verifyCertificateChain, type CertifiedKey } from '../../host/tls/pki/index';
import { tlv, TAG } from '../../host/tls/pki/der';
import { OID } from '../../host/tls/pki/x509';
import { Prng } from '../../host/net/prng';

const enc = (s: string) => new TextEncoder().encode(s);
const seq = (...c: Uint8Array[]) => tlv(TAG.SEQUENCE, ...c);
const dns = (s: string) => seq(tlv(0x82, enc(s)));
const nc = (permitted: Uint8Array[], excluded: Uint8Array[] = []) =>
  seq(...(permitted.length ? [tlv(0xa0, ...permitted)] : []), ...(excluded.length ? [tlv(0xa1, ...excluded)] : []));

function caWith(value: Uint8Array, oid: string = OID.nameConstraints, critical = true): CertifiedKey {
  return generateSelfSigned({ subjectAltNames: [], isCA: true, commonName: 'edge CA', extraExtensions: [{ oid, critical, value }] });
}

function verifyUnder(ca: CertifiedKey, sans: string[]) {
  const leaf = generateSelfSigned({ subjectAltNames: sans, issuer: ca });
  return verifyCertificateChain([leaf.chain[0]], { trustAnchors: [ca.chain[0]], purpose: 'server' });
}

describe('malformed extensions are bad_certificate', () => {
  const ca = generateSelfSigned({ subjectAltNames: [], isCA: true, commonName: 'plain CA' });
  const ip = (...b: number[]) => Uint8Array.of(...b);
  const anyPolicyOid = tlv(TAG.OID, ip(0x55, 0x1d, 0x20, 0));
  test.each<[string, string, Uint8Array, string]>([
    ['empty nameConstraints', OID.nameConstraints, seq(), 'empty nameConstraints'],
    ['empty permittedSubtrees', OID.nameConstraints, seq(tlv(0xa0)), 'empty GeneralSubtrees'],
    ['iPAddress subtree of 5 bytes', OID.nameConstraints, nc([seq(tlv(0x87, ip(10, 0, 0, 0, 255)))]), 'must be 8 or 32 bytes'],
    ['GeneralSubtree with a maximum', OID.nameConstraints, nc([seq(tlv(0x82, enc('example.com')), tlv(0x81, ip(1)))]), 'minimum or maximum'],
    ['unknown field in nameConstraints', OID.nameConstraints, seq(tlv(0xa2, dns('example.com'))), 'bad nameConstraints field'],
    ['empty certificatePolicies', OID.certificatePolicies, seq(), 'empty certificatePolicies'],
    ['a policy listed twice', OID.certificatePolicies, seq(seq(anyPolicyOid), seq(anyPolicyOid)), 'listed twice'],
    ['negative inhibitAnyPolicy', OID.inhibitAnyPolicy, tlv(TAG.INTEGER, ip(0xff)), 'bad small INTEGER'],
    ['empty policyConstraints', OID.policyConstraints, seq(), 'empty policyConstraints'],
    ['a duplicate extension', OID.keyUsage, tlv(TAG.BIT_STRING, ip(7, 0x80)), 'duplicate extension 2.5.29.15'],
  ])('%s', (_, oid, value, reason) => {
    // The odd extension sits on the leaf, which is parsed whatever its role.
    const leaf = generateSelfSigned({ subjectAltNames: ['localhost'], issuer: ca, extraExtensions: [{ oid, critical: true, value }] });
    const r = verifyCertificateChain([leaf.chain[0]], { trustAnchors: [ca.chain[0]], purpose: 'server' });
    expect(r).toMatchObject({ ok: false, alert: Alert.bad_certificate });
    expect(!r.ok && r.reason).toMatch(/^malformed certificate: certificate 0: /);
    expect(!r.ok && r.reason).toContain(reason);
  });
});

describe('dNSName subtrees', () => {
  test.each<[string, Uint8Array, string[], boolean]>([
    ['permitted ".example.com" holds subdomains only', nc([dns('.example.com')]), ['example.com'], false],
    ['permitted ".example.com", a subdomain', nc([dns('.example.com')]), ['a.example.com'], true],
    ['permitted "example.com", a wildcard under it', nc([dns('example.com')]), ['*.example.com'], true],
    ['permitted "www.example.com", a wildcard one level up', nc([dns('www.example.com')]), ['*.example.com'], false],
    ['permitted "", any name', nc([dns('')]), ['anything.test'], true],
    ['permitted, case differs', nc([dns('Example.COM')]), ['www.example.com'], true],
    ['excluded "a.example.com", wildcard "*.example.com" stands for it', nc([], [dns('a.example.com')]), ['*.example.com'], false],
    ['excluded "x.a.example.com", wildcard "*.example.com" cannot reach it', nc([], [dns('x.a.example.com')]), ['*.example.com'], true],
    ['excluded ".example.com", wildcard "*.example.com"', nc([], [dns('.example.com')]), ['*.example.com'], false],
    ['excluded ".example.com", the apex itself', nc([], [dns('.example.com')]), ['example.com'], true],
    ['DNS constraints leave IP names alone', nc([dns('example.com')]), ['www.example.com', '192.0.2.1'], true],
  ])('%s', (_, value, sans, ok) => {
    const r = verifyUnder(caWith(value), sans);
    expect(r.ok).toBe(ok);
    if (!r.ok) expect(r.alert).toBe(Alert.bad_certificate);
  });

  test('a constraint listing only IPv4 ranges rejects an IPv6 name (same form, other family)', () => {
    const r = verifyUnder(caWith(nc([seq(tlv(0x87, Uint8Array.of(192, 0, 2, 0, 255, 255, 255, 0)))])), ['2001:db8::1']);
    expect(r).toMatchObject({ ok: false, alert: Alert.bad_certificate });
  });
});

test('mutated certificates with name constraints never make verification throw', () => {
  const ca = caWith(nc([dns('example.com'), seq(tlv(0x87, Uint8Array.of(10, 0, 0, 0, 255, 0, 0, 0)))], [dns('bad.example.com')]));
  const leaf = generateSelfSigned({ subjectAltNames: ['www.example.com', '10.1.2.3'], issuer: ca });
  const opts = { trustAnchors: [ca.chain[0]], purpose: 'server' as const };
  expect(verifyCertificateChain([leaf.chain[0]], opts).ok).toBe(true);
  const prng = new Prng(5280);
  for (let i = 0; i < 300; i++) {
    const der = leaf.chain[0].slice();
    for (let k = 0; k < 1 + prng.int(3); k++) der[prng.int(der.length)] = prng.int(256);
    if (der.every((b, j) => b === leaf.chain[0][j])) continue;
    let r: ReturnType<typeof verifyCertificateChain> | undefined;
    expect(() => { r = verifyCertificateChain([der], opts); }).not.toThrow();
    // Every byte of a certificate is signed or frames the signature: any change must fail.
    expect(r!.ok).toBe(false);
  }
});
