// Certificates for tests, demos and first-time users, made in JavaScript so nobody
// needs openssl: X.509 v3 with subjectAltName (DNS and IP), keyUsage,
// extendedKeyUsage serverAuth+clientAuth, basicConstraints; self-signed or signed by a
// CA made the same way. ECDSA P-256 (default) or Ed25519.

import { tlv, TAG, oidBytes, intBytes, timeBytes } from './der';
import { OID, parseCertificate } from './x509';
import { generateKey, sign, Scheme, type KeyType, type PrivateKey } from './keys';
import { toPem, privateKeyToPkcs8 } from './pem';
import { QuicArgumentError } from '../../errors';
import { keyMismatch } from './key-match';

/** A certificate chain (DER, leaf first) with its private key. */
export interface CertifiedKey {
  chain: Uint8Array[];
  key: PrivateKey;
}

export interface SelfSignedOptions {
  /** DNS names and IP literals (v4 or v6) for subjectAltName. */
  subjectAltNames: string[];
  keyType?: KeyType;
  validityDays?: number;
  notBefore?: Date;
  isCA?: boolean;
  /** Sign with this CA instead of self-signing. */
  issuer?: CertifiedKey;
  commonName?: string;
  /** extendedKeyUsage of a leaf (default both: the certificate works for servers and clients). */
  extendedKeyUsage?: ('serverAuth' | 'clientAuth')[];
  /** More extensions, appended as given: `value` is the DER inside the extnValue OCTET STRING (tests use it for nameConstraints and odd cases). */
  extraExtensions?: { oid: string; critical: boolean; value: Uint8Array }[];
}

const enc = (s: string) => new TextEncoder().encode(s);

function name(cn: string): Uint8Array {
  return tlv(TAG.SEQUENCE, tlv(TAG.SET, tlv(TAG.SEQUENCE, oidBytes(OID.commonName), tlv(TAG.UTF8, enc(cn)))));
}

function ipBytes(ip: string): Uint8Array | null {
  if (/^\d+\.\d+\.\d+\.\d+$/.test(ip)) return Uint8Array.from(ip.split('.').map(Number));
  if (!ip.includes(':')) return null;
  const [head, tail] = ip.split('::');
  const h = head ? head.split(':') : [];
  const t = tail !== undefined ? (tail ? tail.split(':') : []) : [];
  const groups = tail !== undefined ? [...h, ...Array(8 - h.length - t.length).fill('0'), ...t] : h;
  if (groups.length !== 8) return null;
  const out = new Uint8Array(16);
  groups.forEach((g, i) => { const v = parseInt(g, 16); out[2 * i] = v >> 8; out[2 * i + 1] = v & 0xff; });
  return out;
}

function spki(key: PrivateKey): Uint8Array {
  const bits = (b: Uint8Array) => tlv(TAG.BIT_STRING, Uint8Array.of(0), b);
  if (key.type === 'ed25519') return tlv(TAG.SEQUENCE, tlv(TAG.SEQUENCE, oidBytes(OID.ed25519)), bits(key.publicKey));
  return tlv(TAG.SEQUENCE, tlv(TAG.SEQUENCE, oidBytes(OID.ecPublicKey), oidBytes(OID.prime256v1)), bits(key.publicKey));
}

function sigAlg(key: PrivateKey): Uint8Array {
  return key.type === 'ed25519' ? tlv(TAG.SEQUENCE, oidBytes(OID.ed25519)) : tlv(TAG.SEQUENCE, oidBytes(OID.ecdsaWithSha256));
}

function ext(oid: string, critical: boolean, body: Uint8Array): Uint8Array {
  return critical
    ? tlv(TAG.SEQUENCE, oidBytes(oid), tlv(TAG.BOOLEAN, Uint8Array.of(0xff)), tlv(TAG.OCTET_STRING, body))
    : tlv(TAG.SEQUENCE, oidBytes(oid), tlv(TAG.OCTET_STRING, body));
}

/**
 * The rest of the options, named when wrong: a NaN or negative validity would be encoded
 * as garbage dates, and an issuer whose key is not its certificate's would sign
 * certificates that never verify.
 */
function checkSelfSignedOptions(opts: SelfSignedOptions): void {
  const bad = (what: string, v: unknown) => new QuicArgumentError(`generateSelfSigned(): ${what}, not ${typeof v === 'string' ? JSON.stringify(v) : String(v)}`);
  if (opts.keyType !== undefined && opts.keyType !== 'ecdsa-p256' && opts.keyType !== 'ed25519') throw bad(`keyType must be 'ecdsa-p256' or 'ed25519' (RSA keys load from PEM: parsePemPrivateKey)`, opts.keyType);
  if (opts.validityDays !== undefined && !(typeof opts.validityDays === 'number' && opts.validityDays > 0 && opts.validityDays <= 36_500)) throw bad('validityDays must be a number of days in (0, 36500]', opts.validityDays);
  if (opts.notBefore !== undefined && !(opts.notBefore instanceof Date && Number.isFinite(opts.notBefore.getTime()))) throw bad('notBefore must be a valid Date', opts.notBefore);
  if (opts.commonName !== undefined && typeof opts.commonName !== 'string') throw bad('commonName must be a string', opts.commonName);
  const issuer = opts.issuer as Partial<CertifiedKey> | undefined;
  if (issuer === undefined) return;
  if (typeof issuer !== 'object' || issuer === null || !Array.isArray(issuer.chain) || !(issuer.chain[0] instanceof Uint8Array) || typeof issuer.key !== 'object' || issuer.key === null) {
    throw bad('issuer must be a CA made by generateSelfSigned({ ..., isCA: true }) ({ chain, key })', issuer);
  }
  let ca;
  try { ca = parseCertificate(issuer.chain[0]); } catch (err) { throw new QuicArgumentError(`generateSelfSigned(): issuer.chain[0] is not a DER certificate: ${(err as Error).message}`); }
  const mismatch = keyMismatch(issuer.key, ca);
  if (mismatch) throw new QuicArgumentError(`generateSelfSigned(): issuer.key is not the key of issuer.chain[0] (${mismatch}): what it signed would not verify`);
}

/** Makes a certificate and key (self-signed unless `issuer` is given), with PEM forms. */
export function generateSelfSigned(opts: SelfSignedOptions): CertifiedKey & { certPem: string; keyPem: string } {
  if (typeof opts !== 'object' || opts === null || !Array.isArray(opts.subjectAltNames) || opts.subjectAltNames.some((n) => typeof n !== 'string' || !n)) {
    throw new QuicArgumentError('generateSelfSigned() needs subjectAltNames: the DNS names and IP addresses to certify, e.g. { subjectAltNames: ["localhost", "127.0.0.1"] }');
  }
  checkSelfSignedOptions(opts);
  const key = generateKey(opts.keyType ?? 'ecdsa-p256');
  const notBefore = opts.notBefore ?? new Date(Date.now() - 60_000);
  const notAfter = new Date(notBefore.getTime() + (opts.validityDays ?? 30) * 86_400_000);
  const cn = opts.commonName ?? opts.subjectAltNames[0] ?? 'quicwasm';
  const signer = opts.issuer?.key ?? key;
  const issuerName = opts.issuer ? issuerNameOf(opts.issuer.chain[0]) : name(cn);
  const sans = opts.subjectAltNames.map((n) => {
    const ip = ipBytes(n);
    return ip ? tlv(0x87, ip) : tlv(0x82, enc(n));
  });
  const exts: Uint8Array[] = [];
  if (sans.length) exts.push(ext(OID.subjectAltName, false, tlv(TAG.SEQUENCE, ...sans)));
  exts.push(ext(OID.basicConstraints, true, opts.isCA ? tlv(TAG.SEQUENCE, tlv(TAG.BOOLEAN, Uint8Array.of(0xff))) : tlv(TAG.SEQUENCE)));
  // keyUsage: digitalSignature (bit 0) for leaves; keyCertSign (bit 5) + cRLSign (bit 6) for CAs.
  exts.push(ext(OID.keyUsage, true, opts.isCA ? tlv(TAG.BIT_STRING, Uint8Array.of(1, 0x06)) : tlv(TAG.BIT_STRING, Uint8Array.of(7, 0x80))));
  if (!opts.isCA) {
    const purposes = (opts.extendedKeyUsage ?? ['serverAuth', 'clientAuth']).map((p) => oidBytes(p === 'serverAuth' ? '1.3.6.1.5.5.7.3.1' : '1.3.6.1.5.5.7.3.2'));
    exts.push(ext(OID.extKeyUsage, false, tlv(TAG.SEQUENCE, ...purposes)));
  }
  for (const e of opts.extraExtensions ?? []) exts.push(ext(e.oid, e.critical, e.value));
  const serial = crypto.getRandomValues(new Uint8Array(16));
  serial[0] &= 0x7f;
  const tbs = tlv(TAG.SEQUENCE,
    tlv(0xa0, intBytes(Uint8Array.of(2))),
    intBytes(serial),
    sigAlg(signer),
    issuerName,
    tlv(TAG.SEQUENCE, timeBytes(notBefore), timeBytes(notAfter)),
    name(cn),
    spki(key),
    tlv(0xa3, tlv(TAG.SEQUENCE, ...exts)),
  );
  const scheme = signer.type === 'ed25519' ? Scheme.ed25519 : Scheme.ecdsa_secp256r1_sha256;
  const signature = sign(signer, scheme, tbs);
  const der = tlv(TAG.SEQUENCE, tbs, sigAlg(signer), tlv(TAG.BIT_STRING, Uint8Array.of(0), signature));
  const chain = [der, ...(opts.issuer ? opts.issuer.chain : [])];
  return { chain, key, certPem: chain.map((c) => toPem('CERTIFICATE', c)).join(''), keyPem: toPem('PRIVATE KEY', privateKeyToPkcs8(key)) };
}

function issuerNameOf(caDer: Uint8Array): Uint8Array {
  // The CA's subject is the new certificate's issuer.
  return parseCertificate(caDer).subject;
}
