// PEM encoding (RFC 7468) and PKCS#8 private keys (RFC 5208, RFC 5915 for EC, RFC 8410 for Ed25519).

import { tlv, TAG, oidBytes, intBytes, DerReader, DerError, oidToString } from './der';
import { OID } from './x509';
import { QuicArgumentError } from '../../errors';
import type { PrivateKey } from './keys';
import { p256 } from '@noble/curves/nist.js';
import { ed25519 } from '@noble/curves/ed25519.js';

function b64(bytes: Uint8Array): string {
  let s = '';
  for (const b of bytes) s += String.fromCharCode(b);
  return btoa(s);
}

function unb64(s: string): Uint8Array {
  let bin: string;
  try {
    bin = atob(s.replace(/\s+/g, ''));
  } catch {
    throw new DerError('a PEM block that is not base64'); // atob's DOMException names no PEM
  }
  return Uint8Array.from(bin, (c) => c.charCodeAt(0));
}

export function toPem(label: string, der: Uint8Array): string {
  const body = b64(der).replace(/.{64}/g, '$&\n').replace(/\n?$/, '\n');
  return `-----BEGIN ${label}-----\n${body}-----END ${label}-----\n`;
}

/** PEM as text: a string, or the bytes readFileSync() gives without an encoding. */
function pemText(pem: unknown): string {
  if (typeof pem === 'string') return pem;
  if (pem instanceof Uint8Array) return new TextDecoder().decode(pem);
  throw new QuicArgumentError(`PEM must be text (a string, or the bytes of a .pem file), not ${pem === null ? 'null' : typeof pem}`);
}

/** Every PEM block with `label` in `pem`. */
export function fromPem(pemInput: string | Uint8Array, label: string): Uint8Array[] {
  const pem = pemText(pemInput);
  const re = new RegExp(`-----BEGIN ${label}-----([\\s\\S]*?)-----END ${label}-----`, 'g');
  const out: Uint8Array[] = [];
  for (let m = re.exec(pem); m; m = re.exec(pem)) out.push(unb64(m[1]));
  return out;
}

export function parsePemCertificates(pem: string | Uint8Array): Uint8Array[] {
  return fromPem(pem, 'CERTIFICATE');
}

export function privateKeyToPkcs8(key: PrivateKey): Uint8Array {
  if (key.type === 'ed25519') {
    return tlv(TAG.SEQUENCE, intBytes(Uint8Array.of(0)), tlv(TAG.SEQUENCE, oidBytes(OID.ed25519)), tlv(TAG.OCTET_STRING, tlv(TAG.OCTET_STRING, key.secret)));
  }
  const ecPrivateKey = tlv(TAG.SEQUENCE, intBytes(Uint8Array.of(1)), tlv(TAG.OCTET_STRING, key.secret),
    tlv(0xa1, tlv(TAG.BIT_STRING, Uint8Array.of(0), key.publicKey)));
  return tlv(TAG.SEQUENCE, intBytes(Uint8Array.of(0)), tlv(TAG.SEQUENCE, oidBytes(OID.ecPublicKey), oidBytes(OID.prime256v1)), tlv(TAG.OCTET_STRING, ecPrivateKey));
}

/** Parses a PKCS#8 ("PRIVATE KEY") or SEC1 ("EC PRIVATE KEY") P-256 or Ed25519 key. */
export function parsePemPrivateKey(pem: string | Uint8Array): PrivateKey {
  const pk8 = fromPem(pem, 'PRIVATE KEY')[0];
  if (pk8) {
    const r = new DerReader(pk8).enter(TAG.SEQUENCE);
    r.read(TAG.INTEGER);
    const alg = r.enter(TAG.SEQUENCE);
    const oid = oidToString(alg.read(TAG.OID).value);
    const body = r.read(TAG.OCTET_STRING).value;
    if (oid === OID.ed25519) {
      const secret = new DerReader(body).read(TAG.OCTET_STRING).value.slice();
      return { type: 'ed25519', secret, publicKey: ed25519.getPublicKey(secret) };
    }
    if (oid === OID.ecPublicKey) return ecFromSec1(body);
    if (oid === OID.rsaEncryption) return { type: 'rsa', secret: pk8, rsaEncoding: 'pkcs8', publicKey: new Uint8Array(0) };
    throw new DerError(`unsupported private key algorithm ${oid}`);
  }
  const sec1 = fromPem(pem, 'EC PRIVATE KEY')[0];
  if (sec1) return ecFromSec1(sec1);
  const pkcs1 = fromPem(pem, 'RSA PRIVATE KEY')[0];
  if (pkcs1) return { type: 'rsa', secret: pkcs1, rsaEncoding: 'pkcs1', publicKey: new Uint8Array(0) };
  throw new DerError('no PRIVATE KEY, EC PRIVATE KEY or RSA PRIVATE KEY block found');
}

function ecFromSec1(der: Uint8Array): PrivateKey {
  const r = new DerReader(der).enter(TAG.SEQUENCE);
  r.read(TAG.INTEGER);
  const secret = r.read(TAG.OCTET_STRING).value.slice();
  return { type: 'ecdsa-p256', secret, publicKey: p256.getPublicKey(secret, false) };
}
