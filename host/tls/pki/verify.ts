// Certificate chain verification (RFC 5280 path validation, reduced to what TLS needs):
// leaf → intermediates → a trust anchor, every signature checked with the issuer's key,
// validity dates, CA basic constraints and path length, keyUsage, and the server name
// against subjectAltName (RFC 6125: DNS with one left-most wildcard label, IP
// addresses; no CN fallback). Every failure maps to the TLS alert a peer should see.

import { Alert } from '../alerts';
import { parseCertificate, type Certificate } from './x509';
import { verifyCertificateSignature } from './keys';

export interface VerifyOptions {
  trustAnchors: Uint8Array[];
  serverName?: string;
  now?: Date;
  purpose: 'server' | 'client';
}

export type VerifyResult = { ok: true; leaf: Certificate } | { ok: false; alert: number; reason: string };

const MAX_CHAIN = 10;
const EKU_SERVER_AUTH = '1.3.6.1.5.5.7.3.1';
const EKU_CLIENT_AUTH = '1.3.6.1.5.5.7.3.2';
const EKU_ANY = '2.5.29.37.0';

function fail(alert: number, reason: string): VerifyResult {
  return { ok: false, alert, reason };
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
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
  const certs = chain.map(parseCertificate);
  const anchors = opts.trustAnchors.map((a) => { try { return parseCertificate(a); } catch { return null; } }).filter((a): a is Certificate => !!a);
  const now = opts.now ?? new Date();
  const leaf = certs[0];

  if (opts.serverName !== undefined && !matchesName(leaf, opts.serverName)) {
    return fail(Alert.bad_certificate, `certificate is not valid for "${opts.serverName}" (names: ${[...leaf.dnsNames, ...leaf.ipAddresses.map(ipString)].join(', ') || 'none'})`);
  }
  if (leaf.keyUsage !== undefined && !(leaf.keyUsage & 1)) return fail(Alert.bad_certificate, 'leaf keyUsage lacks digitalSignature');
  // RFC 5280 §4.2.1.12: when present, extendedKeyUsage must allow this use (or any use).
  const purpose = opts.purpose === 'server' ? EKU_SERVER_AUTH : EKU_CLIENT_AUTH;
  if (leaf.extKeyUsage && !leaf.extKeyUsage.includes(purpose) && !leaf.extKeyUsage.includes(EKU_ANY)) {
    return fail(Alert.unsupported_certificate, `leaf extendedKeyUsage does not allow ${opts.purpose} authentication`);
  }

  // Walk up: each certificate must be issued by the next one, or by an anchor.
  for (let i = 0; i < certs.length; i++) {
    const c = certs[i];
    if (now < c.notBefore) return fail(Alert.certificate_expired, `certificate ${i} is not valid before ${c.notBefore.toISOString()}`);
    if (now > c.notAfter) return fail(Alert.certificate_expired, `certificate ${i} expired ${c.notAfter.toISOString()}`);
    // A certificate that is itself a trust anchor ends the path.
    if (anchors.some((a) => sameBytes(a.der, c.der))) return { ok: true, leaf };
    const anchor = anchors.find((a) => sameBytes(a.subject, c.issuer) && verifyCertificateSignature(c, a) === true);
    if (anchor) {
      const r = checkIssuer(anchor, i);
      return r ?? { ok: true, leaf };
    }
    const next = certs[i + 1];
    if (!next) break;
    if (!sameBytes(next.subject, c.issuer)) return fail(Alert.bad_certificate, `certificate ${i + 1} did not issue certificate ${i}`);
    const sig = verifyCertificateSignature(c, next);
    if (sig === 'unsupported') return fail(Alert.unsupported_certificate, `unsupported signature algorithm ${c.signatureAlgorithm}`);
    if (!sig) return fail(Alert.bad_certificate, `bad signature on certificate ${i}`);
    const r = checkIssuer(next, i);
    if (r) return r;
  }
  const top = certs[certs.length - 1];
  const unsupported = anchors.some((a) => sameBytes(a.subject, top.issuer) && verifyCertificateSignature(top, a) === 'unsupported');
  if (unsupported) return fail(Alert.unsupported_certificate, `unsupported signature algorithm ${top.signatureAlgorithm}`);
  return fail(Alert.unknown_ca, `no trust anchor issued "${top.commonName ?? 'certificate'}"`);
}

/** `issuer` signs a certificate with `below` CA certificates under it (0 = the leaf). */
function checkIssuer(issuer: Certificate, below: number): VerifyResult | null {
  if (!issuer.isCA) return fail(Alert.bad_certificate, `"${issuer.commonName}" is not a CA`);
  if (issuer.pathLen !== undefined && below > issuer.pathLen) return fail(Alert.bad_certificate, `path length constraint of "${issuer.commonName}" exceeded`);
  if (issuer.keyUsage !== undefined && !(issuer.keyUsage & (1 << 5))) return fail(Alert.bad_certificate, `"${issuer.commonName}" keyUsage lacks keyCertSign`);
  return null;
}

function ipString(ip: Uint8Array): string {
  if (ip.length === 4) return ip.join('.');
  const g: string[] = [];
  for (let i = 0; i < 16; i += 2) g.push(((ip[i] << 8) | ip[i + 1]).toString(16));
  return g.join(':');
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
