// Up-front checks of the credentials an application passes: trust anchors, a certificate
// and its key, external PSKs and the server name. Without them a mistake (PEM text where
// DER belongs, a key that is not the certificate's, a number for serverName) surfaced
// only inside a handshake: as a TLS alert sent to the peer blaming *its* certificate
// (bad_certificate, "Invalid value used as weak map key"), as "0 anchors", or, on a
// server, as every client failing while listen() had succeeded. Each check throws a
// QuicArgumentError naming the option, what was passed and, for the common mistake of
// passing PEM, the function that decodes it.

import { QuicArgumentError } from '../errors';
import { describe } from './options';
import { parseCertificate, type Certificate } from '../tls/pki/x509';
import { keyMismatch } from '../tls/pki/key-match';
import { parsedTrustAnchor } from '../tls/pki/verify';
import { MIN_EXTERNAL_PSK_LENGTH, type ExternalPsk } from '../tls/psk';
import type { CertifiedKey } from '../tls/pki/selfsigned';
import type { PrivateKey } from '../tls/handshake-types';

/** The longest certificate chain a peer is sent (RFC 9846's Certificate list is 2^24 bytes; ten certificates is far beyond any real chain). */
const MAX_OWN_CHAIN = 10;

const isPemText = (v: unknown): boolean =>
  (typeof v === 'string' && v.includes('-----BEGIN')) ||
  (v instanceof Uint8Array && v.length > 11 && new TextDecoder().decode(v.subarray(0, Math.min(v.length, 64))).trimStart().startsWith('-----BEGIN'));

/** What `v` is, with a hint when it is PEM: `decoder` names the function that turns it into what is wanted. */
function what(v: unknown, decoder: string): string {
  return isPemText(v) ? `PEM text (decode it first: ${decoder})` : describe(v);
}

/**
 * Trust anchors: an array of DER certificates, each one that parses (an anchor that does
 * not would be dropped silently and verification would fail later as "unknown CA").
 * Parsed anchors are remembered per buffer (verify.ts), so checking the same array on
 * every connect() costs a lookup per anchor.
 */
export function checkTrustAnchors(v: unknown, name: string): asserts v is Uint8Array[] {
  if (!Array.isArray(v)) {
    const one = v instanceof Uint8Array && !isPemText(v) ? ` (one certificate goes in an array: ${name}: [certificate])` : '';
    throw new QuicArgumentError(`${name} must be an array of DER certificates (Uint8Array), not ${what(v, `${name}: parsePemCertificates(pem)`)}${one}`);
  }
  if (v.length === 0) throw new QuicArgumentError(`${name} is empty: no certificate could be verified against it (leave it out for the platform's roots)`);
  v.forEach((a, i) => certificateAt(a, `${name}[${i}]`, `${name}: parsePemCertificates(pem)`));
}

/**
 * `c` parsed as a DER certificate, or an error naming `label` and, for PEM, `decoder`.
 * Parses are remembered per buffer (verify.ts), so the same certificates checked on every
 * connect() (connect() and connectTo() both check) cost a lookup each.
 */
function certificateAt(c: unknown, label: string, decoder: string): Certificate {
  if (!(c instanceof Uint8Array)) throw new QuicArgumentError(`${label} must be a DER certificate (Uint8Array), not ${what(c, decoder)}`);
  const parsed = parsedTrustAnchor(c);
  if (parsed) return parsed;
  if (isPemText(c)) throw new QuicArgumentError(`${label} is PEM text, not DER (decode it first: ${decoder})`);
  throw new QuicArgumentError(`${label} is not a DER certificate: ${parseFailure(c)}`);
}

function parseFailure(der: Uint8Array): string {
  try {
    parseCertificate(der);
    return 'unreadable';
  } catch (err) {
    return (err as Error).message;
  }
}

/**
 * A certificate chain (DER, leaf first) and the leaf's private key, as
 * generateSelfSigned() gives them or as `{ chain: parsePemCertificates(pem), key:
 * parsePemPrivateKey(pem) }` makes them from PEM files. The key must be the leaf's:
 * otherwise every CertificateVerify would fail at the peer.
 */
export function checkCertifiedKey(v: unknown, name: string): asserts v is CertifiedKey {
  const hint = `{ chain: parsePemCertificates(certPem), key: parsePemPrivateKey(keyPem) }`;
  if (typeof v !== 'object' || v === null || Array.isArray(v) || v instanceof Uint8Array) {
    throw new QuicArgumentError(`${name} must be { chain, key } (generateSelfSigned() makes one; from PEM files: ${hint}), not ${isPemText(v) ? 'PEM text' : describe(v)}`);
  }
  const { chain, key } = v as { chain?: unknown; key?: unknown };
  if (!Array.isArray(chain) || chain.length === 0) {
    const pemFields = 'certPem' in v || 'keyPem' in v ? ` (for certPem/keyPem: ${hint})` : '';
    throw new QuicArgumentError(`${name}.chain must be a non-empty array of DER certificates, leaf first, not ${Array.isArray(chain) ? 'an empty array' : what(chain, `chain: parsePemCertificates(certPem)`)}${pemFields}`);
  }
  if (chain.length > MAX_OWN_CHAIN) throw new QuicArgumentError(`${name}.chain holds ${chain.length} certificates: at most ${MAX_OWN_CHAIN}`);
  const parsed = chain.map((c, i) => certificateAt(c, `${name}.chain[${i}]`, 'chain: parsePemCertificates(certPem)'));
  checkPrivateKey(key, `${name}.key`);
  const mismatch = keyMismatch(key, parsed[0]);
  if (mismatch) throw new QuicArgumentError(`${name}.key is not the key of ${name}.chain[0] (${mismatch}): every peer would reject our CertificateVerify`);
}

const KEY_TYPES = ['ecdsa-p256', 'ed25519', 'rsa'];

function checkPrivateKey(key: unknown, name: string): asserts key is PrivateKey {
  const hint = 'key: parsePemPrivateKey(keyPem)';
  if (typeof key !== 'object' || key === null || key instanceof Uint8Array) throw new QuicArgumentError(`${name} must be a private key (generateSelfSigned() or parsePemPrivateKey() makes one), not ${what(key, hint)}`);
  const k = key as Partial<PrivateKey>;
  if (!KEY_TYPES.includes(k.type as string)) throw new QuicArgumentError(`${name}.type must be one of ${KEY_TYPES.join(', ')}, not ${describe(k.type)} (parsePemPrivateKey() makes a key from PEM)`);
  if (!(k.secret instanceof Uint8Array) || k.secret.length === 0) throw new QuicArgumentError(`${name} has no secret bytes: make it with generateSelfSigned() or parsePemPrivateKey()`);
  if (!(k.publicKey instanceof Uint8Array)) throw new QuicArgumentError(`${name} has no publicKey bytes: make it with generateSelfSigned() or parsePemPrivateKey()`);
}

/** An external PSK: identity 1..65535 bytes, key ≥ 16 bytes (RFC 9846 §E.7), hash sha256 or sha384. */
export function checkExternalPsk(v: unknown, name: string): asserts v is ExternalPsk {
  if (typeof v !== 'object' || v === null) throw new QuicArgumentError(`${name} must be { identity: Uint8Array, key: Uint8Array, hash? }, not ${describe(v)}`);
  const p = v as Partial<ExternalPsk>;
  if (!(p.identity instanceof Uint8Array) || p.identity.length === 0 || p.identity.length > 65535) {
    throw new QuicArgumentError(`${name}.identity must be 1..65535 bytes (Uint8Array; new TextEncoder().encode(name) for a text identity), not ${describe(p.identity)}`);
  }
  if (!(p.key instanceof Uint8Array) || p.key.length < MIN_EXTERNAL_PSK_LENGTH) {
    throw new QuicArgumentError(`${name}.key must be at least ${MIN_EXTERNAL_PSK_LENGTH} random bytes (Uint8Array), not ${p.key instanceof Uint8Array ? `${p.key.length} bytes` : describe(p.key)}`);
  }
  if (p.hash !== undefined && p.hash !== 'sha256' && p.hash !== 'sha384') throw new QuicArgumentError(`${name}.hash must be 'sha256' or 'sha384', not ${describe(p.hash)}`);
}

/** The name a client verifies the certificate against and sends as SNI. */
export function checkServerName(v: unknown, name = 'serverName'): asserts v is string | undefined {
  if (v !== undefined && (typeof v !== 'string' || v.length === 0)) throw new QuicArgumentError(`${name} must be a non-empty host name or IP address string, not ${describe(v)}`);
}

/** What a client connection is given to authenticate with and to check the server by. */
export interface ClientCredentials {
  serverName?: unknown;
  trustAnchors?: unknown;
  certificate?: unknown;
  psk?: unknown;
}

/** Every credential option a client connection takes, checked. */
export function checkClientCredentials(o: ClientCredentials): void {
  checkServerName(o.serverName);
  if (o.trustAnchors !== undefined) checkTrustAnchors(o.trustAnchors, 'trustAnchors');
  if (o.certificate !== undefined) checkCertifiedKey(o.certificate, 'certificate');
  if (o.psk !== undefined) checkExternalPsk(o.psk, 'psk');
}

/** What a server endpoint is given. */
export interface ServerCredentials {
  certificate?: unknown;
  clientAuth?: unknown;
  clientTrustAnchors?: unknown;
  psks?: unknown;
}

/** Every credential option a server takes, checked (listen() and createServerEndpoint()). */
export function checkServerCredentials(o: ServerCredentials): void {
  if (o.certificate !== undefined) checkCertifiedKey(o.certificate, 'certificate');
  if (o.clientAuth !== undefined && o.clientAuth !== 'none' && o.clientAuth !== 'request' && o.clientAuth !== 'require') {
    throw new QuicArgumentError(`clientAuth must be 'none', 'request' or 'require', not ${describe(o.clientAuth)}`);
  }
  if (o.clientTrustAnchors !== undefined) checkTrustAnchors(o.clientTrustAnchors, 'clientTrustAnchors');
  else if (o.clientAuth === 'request' || o.clientAuth === 'require') throw new QuicArgumentError(`clientAuth '${o.clientAuth}' needs clientTrustAnchors: the DER certificates client certificates are verified against`);
  if (o.psks !== undefined && typeof o.psks !== 'function') throw new QuicArgumentError(`psks must be a function (identity: Uint8Array) => { identity, key } | undefined, not ${describe(o.psks)}`);
}
