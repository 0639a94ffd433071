// Name constraints (RFC 5280 §4.2.1.10), critical extensions (§4.2) and policy
// constraints, on chains made by openssl; for most cases `openssl verify` gives its
// verdict on the same files, so the expectation is not only ours.
import { createTlsClient, createTlsServer, Alert, type TlsOutput } from '../../host/tls/engine';
import { verifyCertificateChain } from '../../host/tls/pki/index';
import { run } from './helpers';
import { OpensslChains, type OpensslCert } from './openssl-chain';

const x = new OpensslChains();
afterAll(() => x.cleanup());

const verify = (leaf: OpensslCert, root: OpensslCert, intermediates: OpensslCert[] = [], serverName?: string) =>
  verifyCertificateChain([leaf.der, ...intermediates.map((c) => c.der)], { trustAnchors: [root.der], serverName, purpose: 'server' });

const alertOf = (outs: TlsOutput[]) => (outs.find((o) => o.type === 'alert') as { alert: number; message?: string } | undefined);

describe('nameConstraints, dNSName', () => {
  const root = x.ca('NC root', ['nameConstraints=critical,permitted;DNS:example.com']);

  test('the issue: a localhost leaf under a CA restricted to example.com fails the handshake with bad_certificate', () => {
    const leaf = x.leaf('localhost', ['DNS:localhost'], root);
    expect(x.opensslVerify(root, leaf)).toBe('permitted subtree violation');
    const client = createTlsClient({ alpn: ['h3'], transportParameters: new Uint8Array(1), serverName: 'localhost', trustAnchors: [root.der] });
    const server = createTlsServer({ alpn: ['h3'], transportParameters: new Uint8Array(1), certificate: { chain: [leaf.der], key: leaf.key } });
    const outs = run(client, server);
    expect(outs.client.some((o) => o.type === 'complete')).toBe(false);
    expect(alertOf(outs.client)?.alert).toBe(Alert.bad_certificate);
    const r = verify(leaf, root, [], 'localhost');
    expect(r).toMatchObject({ ok: false, alert: Alert.bad_certificate });
    expect(!r.ok && r.reason).toContain('certificate name localhost violates the name constraints of "NC root" (permitted: example.com)');
  });

  test('names inside the permitted subtree (the name itself, a subdomain, a wildcard below it) verify', () => {
    const leaf = x.leaf('www.example.com', ['DNS:www.example.com', 'DNS:example.com', 'DNS:*.a.example.com'], root);
    expect(x.opensslVerify(root, leaf)).toBe('OK');
    expect(verify(leaf, root, [], 'www.example.com').ok).toBe(true);
    // The same handshake as above, now complete.
    const client = createTlsClient({ alpn: ['h3'], transportParameters: new Uint8Array(1), serverName: 'b.a.example.com', trustAnchors: [root.der] });
    const server = createTlsServer({ alpn: ['h3'], transportParameters: new Uint8Array(1), certificate: { chain: [leaf.der], key: leaf.key } });
    expect(run(client, server).client.some((o) => o.type === 'complete')).toBe(true);
  });

  test('one SAN outside the subtree rejects the certificate, even if the server name is inside; label boundaries count', () => {
    const leaf = x.leaf('www.example.com', ['DNS:www.example.com', 'DNS:badexample.com'], root);
    expect(x.opensslVerify(root, leaf)).toBe('permitted subtree violation');
    expect(verify(leaf, root, [], 'www.example.com')).toMatchObject({ ok: false, alert: Alert.bad_certificate });
  });

  test('excluded subtree', () => {
    const ex = x.ca('NC excluded', ['nameConstraints=critical,excluded;DNS:internal.example.com']);
    const bad = x.leaf('db', ['DNS:db.internal.example.com'], ex);
    const good = x.leaf('www', ['DNS:www.example.com'], ex);
    expect(x.opensslVerify(ex, bad)).toBe('excluded subtree violation');
    expect(x.opensslVerify(ex, good)).toBe('OK');
    const r = verify(bad, ex);
    expect(r).toMatchObject({ ok: false, alert: Alert.bad_certificate });
    expect(!r.ok && r.reason).toContain('(excluded: internal.example.com)');
    expect(verify(good, ex).ok).toBe(true);
    // A wildcard one label above the excluded name stands for it too.
    expect(verify(x.leaf('w', ['DNS:*.example.com'], ex), ex).ok).toBe(false);
  });

  test('a constraint on an intermediate binds the leaf; the root has none', () => {
    const plain = x.ca('plain root');
    const inter = x.ca('NC intermediate', ['nameConstraints=critical,permitted;DNS:example.com'], plain);
    const bad = x.leaf('localhost', ['DNS:localhost'], inter);
    const good = x.leaf('api', ['DNS:api.example.com'], inter);
    expect(x.opensslVerify(plain, bad, [inter])).toBe('permitted subtree violation');
    expect(x.opensslVerify(plain, good, [inter])).toBe('OK');
    expect(verify(bad, plain, [inter])).toMatchObject({ ok: false, alert: Alert.bad_certificate });
    expect(verify(good, plain, [inter]).ok).toBe(true);
  });

  test("a root's constraint binds the intermediate and the leaf under it", () => {
    const inter = x.ca('inter under NC root', [], root);
    const leaf = x.leaf('localhost', ['DNS:localhost'], inter);
    expect(x.opensslVerify(root, leaf, [inter])).toBe('permitted subtree violation');
    expect(verify(leaf, root, [inter])).toMatchObject({ ok: false, alert: Alert.bad_certificate });
    const ok = x.leaf('ok', ['DNS:ok.example.com'], inter);
    expect(verify(ok, root, [inter]).ok).toBe(true);
  });
});

describe('nameConstraints, iPAddress', () => {
  const root = x.ca('IP root', [
    'nameConstraints=critical,permitted;IP:192.168.0.0/255.255.0.0,permitted;IP:2001:db8::/ffff:ffff::,excluded;IP:192.168.66.0/255.255.255.0,excluded;IP:2001:db8:bad::/ffff:ffff:ffff::',
  ]);

  test.each([
    ['IPv4 permitted', 'IP:192.168.1.10', 'OK'],
    ['IPv4 outside permitted', 'IP:10.0.0.1', 'permitted subtree violation'],
    ['IPv4 excluded inside permitted', 'IP:192.168.66.7', 'excluded subtree violation'],
    ['IPv6 permitted (/32)', 'IP:2001:db8:1::1', 'OK'],
    ['IPv6 outside permitted', 'IP:2001:db9::1', 'permitted subtree violation'],
    ['IPv6 excluded (/48)', 'IP:2001:db8:bad::5', 'excluded subtree violation'],
  ])('%s', (_, san, openssl) => {
    const leaf = x.leaf('ip', [san, 'DNS:anything.test'], root);
    expect(x.opensslVerify(root, leaf)).toBe(openssl);
    const r = verify(leaf, root);
    expect(r.ok).toBe(openssl === 'OK');
    if (!r.ok) expect(r.alert).toBe(Alert.bad_certificate);
  });

  test('the message names the address and the subtree', () => {
    const r = verify(x.leaf('ip', ['IP:2001:db8:bad::5'], root), root);
    expect(!r.ok && r.reason).toContain('certificate name 2001:db8:bad:0:0:0:0:5 violates the name constraints of "IP root" (excluded: 2001:db8:bad:0:0:0:0:0/48)');
  });
});

describe('name forms we do not check', () => {
  test('a CA constraining directoryName rejects a leaf with a subject: we cannot check it (unsupported_certificate)', () => {
    const root = x.ca('DN root', ['nameConstraints=critical,permitted;dirName:dn_sect', '[dn_sect]', 'O=Example']);
    const leaf = x.leaf('localhost', ['DNS:localhost'], root);
    const r = verify(leaf, root);
    expect(r).toMatchObject({ ok: false, alert: Alert.unsupported_certificate });
    expect(!r.ok && r.reason).toContain('directoryName');
  });

  test('an email constraint binds only certificates with an email name', () => {
    const root = x.ca('mail root', ['nameConstraints=critical,permitted;email:example.com']);
    expect(verify(x.leaf('web', ['DNS:web.test'], root), root).ok).toBe(true);
    expect(verify(x.leaf('mail', ['DNS:web.test', 'email:a@example.com'], root), root)).toMatchObject({ ok: false, alert: Alert.unsupported_certificate });
  });
});

describe('critical extensions', () => {
  const root = x.ca('ext root');

  test('an unknown critical extension on the leaf is rejected with unsupported_certificate', () => {
    const leaf = x.leaf('localhost', ['DNS:localhost'], root, ['1.3.6.1.4.1.55555.1=critical,ASN1:NULL']);
    expect(x.opensslVerify(root, leaf)).toBe('unhandled critical extension');
    const r = verify(leaf, root, [], 'localhost');
    expect(r).toMatchObject({ ok: false, alert: Alert.unsupported_certificate });
    expect(!r.ok && r.reason).toContain('critical extension 1.3.6.1.4.1.55555.1');
  });

  test('an unknown critical extension on an intermediate is rejected', () => {
    const inter = x.ca('odd intermediate', ['1.3.6.1.4.1.55555.1=critical,ASN1:NULL'], root);
    const leaf = x.leaf('localhost', ['DNS:localhost'], inter);
    expect(x.opensslVerify(root, leaf, [inter])).toBe('unhandled critical extension');
    expect(verify(leaf, root, [inter])).toMatchObject({ ok: false, alert: Alert.unsupported_certificate });
  });

  test('the same extension, not critical, is ignored', () => {
    const leaf = x.leaf('localhost', ['DNS:localhost'], root, ['1.3.6.1.4.1.55555.1=ASN1:UTF8String:hello']);
    expect(x.opensslVerify(root, leaf)).toBe('OK');
    expect(verify(leaf, root, [], 'localhost').ok).toBe(true);
  });

  test('critical certificatePolicies and inhibitAnyPolicy verify (they cannot change the result without requireExplicitPolicy)', () => {
    const inter = x.ca('policy intermediate', ['certificatePolicies=critical,2.23.140.1.2.1', 'inhibitAnyPolicy=critical,0', 'policyConstraints=critical,inhibitPolicyMapping:0'], root);
    const leaf = x.leaf('localhost', ['DNS:localhost'], inter, ['certificatePolicies=critical,2.23.140.1.2.1']);
    expect(x.opensslVerify(root, leaf, [inter])).toBe('OK');
    expect(verify(leaf, root, [inter], 'localhost').ok).toBe(true);
  });

  // requireExplicitPolicy makes the policies count (RFC 5280 §6.1). openssl verify evaluates
  // policies only with -policy_check, and takes our input user-initial-policy-set =
  // {anyPolicy} only when told (-policy 2.5.29.32.0; its default set is empty).
  const P = '2.23.140.1.2.1', Q = '2.23.140.1.2.2', ANY = '2.5.29.32.0';
  const policyCheck = ['-policy_check', '-policy', ANY];
  test.each<[string, string[], string[], string]>([
    ['the intermediate and the leaf assert the same policy', [`certificatePolicies=${P}`], [`certificatePolicies=${P}`], 'OK'],
    ['the leaf asserts another policy', [`certificatePolicies=${P}`], [`certificatePolicies=${Q}`], 'no explicit policy'],
    ['no certificate asserts a policy', [], [], 'no explicit policy'],
    ['anyPolicy above, a policy in the leaf', [`certificatePolicies=${ANY}`], [`certificatePolicies=${P}`], 'OK'],
    ['anyPolicy in the leaf with inhibitAnyPolicy 0 above', [`certificatePolicies=${ANY}`, 'inhibitAnyPolicy=critical,0'], [`certificatePolicies=${ANY}`], 'no explicit policy'],
    ['anyPolicy in the leaf, not inhibited', [`certificatePolicies=${ANY}`], [`certificatePolicies=${ANY}`], 'OK'],
    ['two policies above, one of them below', [`certificatePolicies=${P},${Q}`], [`certificatePolicies=${Q}`], 'OK'],
  ])('requireExplicitPolicy:0 on the intermediate, %s', (_, interExt, leafExt, openssl) => {
    const inter = x.ca('explicit-policy intermediate', ['policyConstraints=critical,requireExplicitPolicy:0', ...interExt], root);
    const leaf = x.leaf('localhost', ['DNS:localhost'], inter, leafExt);
    expect(x.opensslVerify(root, leaf, [inter], policyCheck)).toBe(openssl);
    const r = verify(leaf, root, [inter], 'localhost');
    expect(r.ok).toBe(openssl === 'OK');
    if (!r.ok) {
      expect(r.alert).toBe(Alert.bad_certificate);
      expect(r.reason).toContain('requires an explicit certificate policy');
    }
  });

  test('requireExplicitPolicy that ends below the leaf does not apply', () => {
    // skipCerts 5: explicit_policy would reach 0 only five certificates further down.
    const lax = x.ca('lax intermediate', ['policyConstraints=critical,requireExplicitPolicy:5'], root);
    const leaf = x.leaf('localhost', ['DNS:localhost'], lax);
    expect(x.opensslVerify(root, leaf, [lax], policyCheck)).toBe('OK');
    expect(verify(leaf, root, [lax]).ok).toBe(true);
  });

  test('non-critical policyMappings: ignored without explicit policy, unsupported with it', () => {
    const mapping = `policyMappings=${P}:${Q}`;
    const free = x.ca('free mapping intermediate', [`certificatePolicies=${P}`, mapping], root);
    expect(verify(x.leaf('localhost', ['DNS:localhost'], free), root, [free]).ok).toBe(true);
    const strict = x.ca('strict mapping intermediate', [`certificatePolicies=${P}`, mapping, 'policyConstraints=critical,requireExplicitPolicy:0'], root);
    const r = verify(x.leaf('localhost', ['DNS:localhost'], strict, [`certificatePolicies=${Q}`]), root, [strict]);
    expect(r).toMatchObject({ ok: false, alert: Alert.unsupported_certificate });
    expect(!r.ok && r.reason).toContain('policyMappings');
  });

  test('a critical policyMappings (not processed) is rejected', () => {
    const inter = x.ca('mapping intermediate', ['certificatePolicies=2.23.140.1.2.1', 'policyMappings=critical,2.23.140.1.2.1:2.23.140.1.2.2'], root);
    const leaf = x.leaf('localhost', ['DNS:localhost'], inter);
    const r = verify(leaf, root, [inter]);
    expect(r).toMatchObject({ ok: false, alert: Alert.unsupported_certificate });
    expect(!r.ok && r.reason).toContain('2.5.29.33');
  });
});
