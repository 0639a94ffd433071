// Private keys and signatures for TLS 1.3 (RFC 9846 §4.2.3): ECDSA P-256 and Ed25519
// keys (generated with @noble/curves), RSA keys loaded from PEM. Signing and verifying
// go through the handshake crypto seam (../handshake-crypto.ts: node:crypto on Node,
// Deno and Bun; @noble/curves and BigInt RSA verification in the browser build):
// ECDSA P-256/P-384, Ed25519, RSA-PSS, and RSA PKCS#1 v1.5 for certificate signatures.

import { p256 } from '@noble/curves/nist.js';
import { ed25519 } from '@noble/curves/ed25519.js';
import { OID, type Certificate } from './x509';
import { handshakeCrypto } from '../handshake-crypto';
import type { HandshakeCrypto, SigAlg } from '../handshake-types';

export { registerRsaPssSigner, type RsaPssSigner } from '../handshake-portable';

export type { KeyType, PrivateKey } from '../handshake-types';
import type { KeyType, PrivateKey } from '../handshake-types';

/** TLS SignatureScheme code points. */
export const Scheme = {
  ecdsa_secp256r1_sha256: 0x0403,
  ecdsa_secp384r1_sha384: 0x0503,
  ed25519: 0x0807,
  rsa_pss_rsae_sha256: 0x0804,
  rsa_pss_rsae_sha384: 0x0805,
  rsa_pss_rsae_sha512: 0x0806,
  rsa_pkcs1_sha256: 0x0401,
} as const;

export function generateKey(type: KeyType = 'ecdsa-p256', random?: (n: number) => Uint8Array): PrivateKey {
  const rnd = random ?? ((n: number) => crypto.getRandomValues(new Uint8Array(n)));
  if (type === 'ed25519') {
    const secret = rnd(32);
    return { type, secret, publicKey: ed25519.getPublicKey(secret) };
  }
  if (type === 'ecdsa-p256') {
    const secret = p256.utils.randomSecretKey(rnd(48));
    return { type, secret, publicKey: p256.getPublicKey(secret, false) };
  }
  throw new Error('RSA key generation is not supported: use an ECDSA P-256 or Ed25519 key');
}

/** Signature schemes this key can produce, preferred first. */
export function signatureSchemesFor(key: PrivateKey): number[] {
  if (key.type === 'ed25519') return [Scheme.ed25519];
  if (key.type === 'ecdsa-p256') return [Scheme.ecdsa_secp256r1_sha256];
  return [Scheme.rsa_pss_rsae_sha256, Scheme.rsa_pss_rsae_sha384, Scheme.rsa_pss_rsae_sha512];
}

/** The signature algorithm of a TLS 1.3 SignatureScheme, or null for one we do not implement. */
export function schemeAlg(scheme: number): SigAlg | null {
  switch (scheme) {
    case Scheme.ecdsa_secp256r1_sha256: return { kind: 'ecdsa', curve: 'P-256', hash: 'sha256' };
    case Scheme.ecdsa_secp384r1_sha384: return { kind: 'ecdsa', curve: 'P-384', hash: 'sha384' };
    case Scheme.ed25519: return { kind: 'ed25519' };
    case Scheme.rsa_pss_rsae_sha256: return { kind: 'rsa-pss', hash: 'sha256' };
    case Scheme.rsa_pss_rsae_sha384: return { kind: 'rsa-pss', hash: 'sha384' };
    case Scheme.rsa_pss_rsae_sha512: return { kind: 'rsa-pss', hash: 'sha512' };
    default: return null;
  }
}

/** Whether `key` can make `alg` (the scheme lists of signatureSchemesFor). */
function keyFits(key: PrivateKey, alg: SigAlg): boolean {
  if (key.type === 'ecdsa-p256') return alg.kind === 'ecdsa' && alg.curve === 'P-256' && alg.hash === 'sha256';
  if (key.type === 'ed25519') return alg.kind === 'ed25519';
  return alg.kind === 'rsa-pss';
}

/** Signs `message` (not pre-hashed) with `scheme`. */
export function sign(key: PrivateKey, scheme: number, message: Uint8Array, impl: HandshakeCrypto = handshakeCrypto()): Uint8Array {
  const alg = schemeAlg(scheme);
  if (!alg || !keyFits(key, alg)) throw new Error(`key of type ${key.type} cannot sign with scheme 0x${scheme.toString(16)}`);
  return impl.sign(alg, key, message);
}

function ecCurve(cert: Certificate): 'P-256' | 'P-384' | null {
  if (cert.keyAlgorithm !== OID.ecPublicKey) return null;
  return cert.keyCurve === OID.prime256v1 ? 'P-256' : cert.keyCurve === OID.secp384r1 ? 'P-384' : null;
}

/** Verifies a TLS CertificateVerify signature with the certificate's public key. */
export function verifySchemeSignature(cert: Certificate, scheme: number, message: Uint8Array, signature: Uint8Array, impl: HandshakeCrypto = handshakeCrypto()): boolean {
  const alg = schemeAlg(scheme);
  if (!alg) return false;
  // TLS 1.3 binds the curve to the scheme (RFC 9846 §4.2.3): P-256 key for ecdsa_secp256r1_sha256 only.
  const fits = alg.kind === 'ecdsa' ? ecCurve(cert) === alg.curve : alg.kind === 'ed25519' ? cert.keyAlgorithm === OID.ed25519 : cert.keyAlgorithm === OID.rsaEncryption;
  return fits && impl.verify(alg, cert.publicKey, message, signature);
}

/** Verifies the signature an issuer put on a certificate (its signatureAlgorithm). */
export function verifyCertificateSignature(cert: Certificate, issuer: Certificate, impl: HandshakeCrypto = handshakeCrypto()): boolean | 'unsupported' {
  let alg: SigAlg;
  switch (cert.signatureAlgorithm) {
    case OID.ecdsaWithSha256:
    case OID.ecdsaWithSha384: {
      // X.509 lets any EC issuer key sign with either hash (RFC 5758 §3.2).
      const curve = ecCurve(issuer);
      if (!curve) return false;
      alg = { kind: 'ecdsa', curve, hash: cert.signatureAlgorithm === OID.ecdsaWithSha256 ? 'sha256' : 'sha384' };
      break;
    }
    case OID.ed25519:
      if (issuer.keyAlgorithm !== OID.ed25519) return false;
      alg = { kind: 'ed25519' };
      break;
    case OID.sha256WithRsa:
    case OID.sha384WithRsa:
    case OID.sha512WithRsa:
      if (issuer.keyAlgorithm !== OID.rsaEncryption) return false;
      alg = { kind: 'rsa-pkcs1', hash: cert.signatureAlgorithm === OID.sha256WithRsa ? 'sha256' : cert.signatureAlgorithm === OID.sha384WithRsa ? 'sha384' : 'sha512' };
      break;
    default:
      return 'unsupported';
  }
  return impl.verify(alg, issuer.publicKey, cert.tbs, cert.signature);
}
