// Whether a private key is the one a certificate certifies: listen()/connect() refuse a
// certificate whose key is another (every peer would reject our CertificateVerify), and
// generateSelfSigned() an issuer whose key is not its certificate's (the certificates it
// signed would not verify).

import { DerReader, TAG } from './der';
import { OID, type Certificate } from './x509';
import type { PrivateKey } from '../handshake-types';
import { sameBytes } from './verify';

/**
 * Why `key` cannot be the private key of `leaf`, or '' when it can: EC and Ed25519 keys
 * carry their public key, compared with the certificate's; an RSA key (kept as the DER
 * the handshake signs with) by its modulus.
 */
export function keyMismatch(key: PrivateKey, leaf: Certificate): string {
  const alg = leaf.keyAlgorithm;
  if (key.type === 'ed25519') return alg === OID.ed25519 ? (sameBytes(key.publicKey, leaf.publicKey) ? '' : 'another Ed25519 public key') : 'the certificate is not for an Ed25519 key';
  if (key.type === 'rsa') {
    if (alg !== OID.rsaEncryption) return 'the certificate is not for an RSA key';
    const ours = rsaModulus(key), theirs = certificateRsaModulus(leaf);
    if (!ours) return 'the RSA key does not parse';
    return theirs && sameBytes(ours, theirs) ? '' : 'another RSA modulus';
  }
  if (alg !== OID.ecPublicKey || leaf.keyCurve !== OID.prime256v1) return 'the certificate is not for a P-256 key';
  return sameEcPoint(key.publicKey, leaf.publicKey) ? '' : 'another P-256 public key';
}

/** The modulus of a PKCS#1 RSAPrivateKey (RFC 8017 A.1.2), or of one inside PKCS#8 (RFC 5208). */
function rsaModulus(key: PrivateKey): Uint8Array | null {
  try {
    let der = key.secret;
    if (key.rsaEncoding !== 'pkcs1') {
      const pk8 = new DerReader(der).enter(TAG.SEQUENCE);
      pk8.read(TAG.INTEGER); // version
      pk8.read(TAG.SEQUENCE); // algorithm
      der = pk8.read(TAG.OCTET_STRING).value;
    }
    const rsa = new DerReader(der).enter(TAG.SEQUENCE);
    rsa.read(TAG.INTEGER); // version
    return unsigned(rsa.read(TAG.INTEGER).value);
  } catch {
    return null;
  }
}

/** The modulus of the certificate's RSAPublicKey. */
function certificateRsaModulus(leaf: Certificate): Uint8Array | null {
  try {
    return unsigned(new DerReader(leaf.publicKey).enter(TAG.SEQUENCE).read(TAG.INTEGER).value);
  } catch {
    return null;
  }
}

/** A DER INTEGER's magnitude without the leading zero bytes. */
function unsigned(v: Uint8Array): Uint8Array {
  let i = 0;
  while (i < v.length - 1 && v[i] === 0) i++;
  return v.subarray(i);
}

/** An uncompressed point (04 || x || y) against the certificate's, uncompressed or compressed (02/03 || x). */
function sameEcPoint(ours: Uint8Array, theirs: Uint8Array): boolean {
  if (theirs.length === 33 && (theirs[0] === 2 || theirs[0] === 3) && ours.length === 65) {
    return (ours[64] & 1) === (theirs[0] & 1) && sameBytes(ours.subarray(1, 33), theirs.subarray(1));
  }
  return sameBytes(ours, theirs);
}
