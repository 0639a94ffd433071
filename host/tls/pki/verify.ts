// Certificate chain verification (RFC 5280 path validation, reduced to what TLS needs):
// leaf → intermediates → a trust anchor, every signature checked with the issuer's key,
// validity dates, CA basic constraints and path length, keyUsage, extendedKeyUsage,
// critical extensions, certificate policies (policy.ts), name constraints
// (name-constraints.ts), and the server name against subjectAltName (RFC 6125: DNS with
// one left-most wildcard label, IP addresses; no CN fallback). Every failure maps to the TLS alert a peer
// should see (RFC 9846 §6.2):
// - bad_certificate ("corrupt, contained signatures that did not verify correctly,
//   etc."): the certificate is wrong as issued — bad signature, not a CA, a name
//   outside its issuer's name constraints (the issuer signed something it was not
//   allowed to), no valid certificate policy where one is required, malformed DER.
//   OpenSSL and Go also treat these as invalid certificates.
// - unsupported_certificate ("of an unsupported type"): the certificate may be fine but
//   needs processing we do not implement — an unknown critical extension (RFC 5280
//   §4.2 says reject; OpenSSL sends this alert for X509_V_ERR_UNHANDLED_CRITICAL_EXTENSION),
//   a name form under constraint we cannot check, policy mappings where explicit policy
//   applies, an unknown signature algorithm, or an extendedKeyUsage for another purpose.

import { Alert } from '../alerts';
import { parseCertificate, type Certificate } from './x509';
import { verifyCertificateSignature } from './keys';
import { checkNameConstraints, ipString } from './name-constraints';
import { checkPolicies } from './policy';

export type SignatureCheck = (cert: Certificate, issuer: Certificate) => boolean | 'unsupported';

export interface VerifyOptions {
  trustAnchors: Uint8Array[];
  serverName?: string;
  now?: Date;
  purpose: 'server' | 'client';
  /** Checks one certificate's signature with its issuer's key (default keys.ts); tests count calls through it. */
  checkSignature?: SignatureCheck;
}

/**
 * On success, `validFrom`/`validUntil` bound the time this result holds: the latest
 * notBefore and earliest notAfter of every certificate in the chain.
 */
export type VerifyResult =
  | { ok: true; leaf: Certificate; validFrom: Date; validUntil: Date }
  | { ok: false; alert: number; reason: string };

const MAX_CHAIN = 10;
const EKU_SERVER_AUTH = '1.3.6.1.5.5.7.3.1';
const EKU_CLIENT_AUTH = '1.3.6.1.5.5.7.3.2';
const EKU_ANY = '2.5.29.37.0';

function fail(alert: number, reason: string): VerifyResult {
  return { ok: false, alert, reason };
}

export function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

const label = (c: Certificate) => c.commonName ?? 'certificate';
/** "certificate 1 (\"Example CA\")": the position in the chain (0 = leaf) and the subject's CN. */
const who = (i: number, c: Certificate) => `certificate ${i} ("${label(c)}")`;
const selfIssued = (c: Certificate) => sameBytes(c.subject, c.issuer);

/**
 * Parsed trust anchors, remembered per buffer: the platform's ~150 roots are the same
 * Uint8Arrays on every handshake (systemTrustAnchors() keeps them), and parsing them
 * each time cost more than the chain itself. Anchors are treated as immutable.
 */
const parsedAnchors = new WeakMap<Uint8Array, Certificate | null>();

/** A certificate parsed (remembered per buffer: trust anchors, and our own chain as api/credentials.ts checks it), or null when it is not one this parser reads. */
export function parsedTrustAnchor(der: Uint8Array): Certificate | null {
  let c = parsedAnchors.get(der);
  if (c === undefined) {
    try { c = parseCertificate(der); } catch { c = null; }
    parsedAnchors.set(der, c);
  }
  return c;
}

/** Verifies `chain` (DER, leaf first). Never throws. */
export function verifyCertificateChain(chain: Uint8Array[], opts: VerifyOptions): VerifyResult {
  try {
    return verify(chain, opts);
  } catch (err) {
    return fail(Alert.bad_certificate, `malformed certificate: ${(err as Error).message}`);
  }
}

function verify(chain: Uint8Array[], opts: VerifyOptions): VerifyResult {
  if (chain.length === 0) return fail(Alert.certificate_required, 'empty certificate chain');
  if (chain.length > MAX_CHAIN) return fail(Alert.bad_certificate, `chain longer than ${MAX_CHAIN}`);
  const certs = chain.map((der, i) => {
    try { return parseCertificate(der); } catch (err) { throw new Error(`certificate ${i}: ${(err as Error).message}`); }
  });
  const anchors = opts.trustAnchors.map(parsedTrustAnchor).filter((a): a is Certificate => !!a);
  const now = opts.now ?? new Date();
  const checkSignature = opts.checkSignature ?? verifyCertificateSignature;
  const leaf = certs[0];

  if (opts.serverName !== undefined && !matchesName(leaf, opts.serverName)) {
    return fail(Alert.bad_certificate, `certificate is not valid for "${opts.serverName}" (names: ${[...leaf.dnsNames, ...leaf.ipAddresses.map(ipString)].join(', ') || 'none'})`);
  }
  if (leaf.keyUsage !== undefined && !(leaf.keyUsage & 1)) return fail(Alert.bad_certificate, `leaf "${label(leaf)}" keyUsage lacks digitalSignature (needed to sign CertificateVerify)`);
  // RFC 5280 §4.2.1.12: when present, extendedKeyUsage must allow this use (or any use).
  const purpose = opts.purpose === 'server' ? EKU_SERVER_AUTH : EKU_CLIENT_AUTH;
  if (leaf.extKeyUsage && !leaf.extKeyUsage.includes(purpose) && !leaf.extKeyUsage.includes(EKU_ANY)) {
    return fail(Alert.unsupported_certificate, `leaf "${label(leaf)}" extendedKeyUsage (${leaf.extKeyUsage.join(', ') || 'empty'}) does not allow ${opts.purpose} authentication`);
  }

  // Walk up: each certificate must be issued by the next one, or by an anchor.
  // `path` collects the certificates below the anchor, leaf first.
  const path: Certificate[] = [];
  let anchor: Certificate | undefined;
  for (let i = 0; i < certs.length; i++) {
    const c = certs[i];
    if (now < c.notBefore) return fail(Alert.certificate_expired, `${who(i, c)} is not valid before ${c.notBefore.toISOString()} (now ${now.toISOString()})`);
    if (now > c.notAfter) return fail(Alert.certificate_expired, `${who(i, c)} expired ${c.notAfter.toISOString()} (now ${now.toISOString()})`);
    // A certificate that is itself a trust anchor ends the path.
    if (anchors.some((a) => sameBytes(a.der, c.der))) { anchor = c; break; }
    path.push(c);
    // RFC 5280 §4.2: "MUST reject the certificate if it encounters a critical extension it
    // does not recognize". The anchor is an input to path validation (§6.1.1), not a path
    // certificate, so its extensions are not held to this (its name constraints still apply below).
    if (c.unhandledCritical.length) {
      return fail(Alert.unsupported_certificate, `${who(i, c)} has critical extension${c.unhandledCritical.length > 1 ? 's' : ''} ${c.unhandledCritical.join(', ')} that we do not process`);
    }
    const a = anchors.find((x) => sameBytes(x.subject, c.issuer) && checkSignature(c, x) === true);
    if (a) {
      const r = checkIssuer(a, i);
      if (r) return r;
      anchor = a;
      break;
    }
    const next = certs[i + 1];
    if (!next) break;
    if (!sameBytes(next.subject, c.issuer)) return fail(Alert.bad_certificate, `${who(i + 1, next)} did not issue ${who(i, c)}: its subject is not that certificate's issuer`);
    const sig = checkSignature(c, next);
    if (sig === 'unsupported') return fail(Alert.unsupported_certificate, `${who(i, c)} is signed with an unsupported algorithm ${c.signatureAlgorithm}`);
    if (!sig) return fail(Alert.bad_certificate, `the signature of "${label(next)}" on ${who(i, c)} does not verify`);
    const r = checkIssuer(next, i);
    if (r) return r;
  }
  if (!anchor) {
    const top = certs[certs.length - 1];
    const unsupported = anchors.some((a) => sameBytes(a.subject, top.issuer) && checkSignature(top, a) === 'unsupported');
    if (unsupported) return fail(Alert.unsupported_certificate, `${who(certs.length - 1, top)} is signed with an unsupported algorithm ${top.signatureAlgorithm}`);
    const named = anchors.find((a) => sameBytes(a.subject, top.issuer));
    // An anchor with the right name whose key did not sign it: another CA of that name, or a forged certificate.
    if (named) return fail(Alert.unknown_ca, `no trust anchor issued ${who(certs.length - 1, top)}: the anchor "${label(named)}" has its issuer's name, but its signature does not verify`);
    return fail(Alert.unknown_ca, `no trust anchor issued ${who(certs.length - 1, top)} (${anchors.length} anchors)`);
  }
  const policy = checkPolicies(path);
  if (policy) return fail(policy.unsupported ? Alert.unsupported_certificate : Alert.bad_certificate, policy.message);
  const names = checkNames(path, anchor);
  if (names) return names;
  const validFrom = new Date(Math.max(...certs.map((c) => c.notBefore.getTime())));
  const validUntil = new Date(Math.min(...certs.map((c) => c.notAfter.getTime())));
  return { ok: true, leaf, validFrom, validUntil };
}

/** `issuer` signs a certificate with `below` CA certificates under it (0 = the leaf). */
function checkIssuer(issuer: Certificate, below: number): VerifyResult | null {
  if (!issuer.isCA) return fail(Alert.bad_certificate, `"${label(issuer)}" issued a certificate but is not a CA (basicConstraints)`);
  if (issuer.pathLen !== undefined && below > issuer.pathLen) return fail(Alert.bad_certificate, `path length constraint of "${label(issuer)}" exceeded (${below} CA certificates below it, pathLenConstraint ${issuer.pathLen})`);
  if (issuer.keyUsage !== undefined && !(issuer.keyUsage & (1 << 5))) return fail(Alert.bad_certificate, `"${label(issuer)}" issued a certificate but its keyUsage lacks keyCertSign`);
  return null;
}

/**
 * Name constraints of each CA (and of the anchor, as OpenSSL and Go apply them) bind
 * every certificate below it; self-issued intermediates are exempt, the leaf never
 * (RFC 5280 §6.1.3 (b), (c)).
 */
function checkNames(path: Certificate[], anchor: Certificate): VerifyResult | null {
  for (let j = 1; j <= path.length; j++) {
    const ca = j < path.length ? path[j] : anchor;
    if (!ca.nameConstraints) continue;
    for (let k = 0; k < j; k++) {
      if (k > 0 && selfIssued(path[k])) continue;
      const v = checkNameConstraints(path[k], ca.nameConstraints, label(ca));
      if (v) return fail(v.unsupported ? Alert.unsupported_certificate : Alert.bad_certificate, v.message);
    }
  }
  return null;
}

function parseIp(s: string): Uint8Array | null {
  const v = s.replace(/^\[|\]$/g, '');
  if (/^\d+\.\d+\.\d+\.\d+$/.test(v)) return Uint8Array.from(v.split('.').map(Number));
  if (!v.includes(':')) return null;
  const [head, tail] = v.split('::');
  const h = head ? head.split(':') : [];
  const t = tail !== undefined ? (tail ? tail.split(':') : []) : [];
  const groups = tail !== undefined ? [...h, ...Array(8 - h.length - t.length).fill('0'), ...t] : h;
  if (groups.length !== 8) return null;
  const out = new Uint8Array(16);
  groups.forEach((x, i) => { const n = parseInt(x, 16); out[2 * i] = n >> 8; out[2 * i + 1] = n & 0xff; });
  return out;
}

/** RFC 6125 name matching: IP literals against IP SANs; DNS names with one left-most wildcard. */
export function matchesName(cert: Certificate, name: string): boolean {
  const ip = parseIp(name);
  if (ip) return cert.ipAddresses.some((a) => sameBytes(a, ip));
  const host = name.toLowerCase().replace(/\.$/, '');
  return cert.dnsNames.some((pattern) => {
    if (!pattern.startsWith('*.')) return pattern === host;
    const suffix = pattern.slice(1); // ".example.com"
    if (!host.endsWith(suffix)) return false;
    const label = host.slice(0, host.length - suffix.length);
    return label.length > 0 && !label.includes('.');
  });
}
