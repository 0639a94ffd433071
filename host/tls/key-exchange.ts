// (EC)DHE for TLS 1.3 key shares (RFC 9846 §4.2.8.2): x25519 and secp256r1 via @noble/curves.

import { x25519 } from '@noble/curves/ed25519.js';
import { p256 } from '@noble/curves/nist.js';
import { Group } from './constants';
import { Alert, TlsAlertError } from './alerts';

export interface KeyShare {
  group: number;
  publicKey: Uint8Array;
  secret: Uint8Array;
}

export function newKeyShare(group: number, random: (n: number) => Uint8Array): KeyShare {
  if (group === Group.x25519) {
    const secret = random(32);
    return { group, secret, publicKey: x25519.getPublicKey(secret) };
  }
  if (group === Group.secp256r1) {
    const secret = p256.utils.randomSecretKey(random(48));
    return { group, secret, publicKey: p256.getPublicKey(secret, false) };
  }
  throw new TlsAlertError(Alert.internal_error, `unsupported group 0x${group.toString(16)}`);
}

/** The shared secret with the peer's public key; illegal_parameter for a bad point. */
export function sharedSecret(share: KeyShare, peerPublic: Uint8Array): Uint8Array {
  try {
    if (share.group === Group.x25519) {
      if (peerPublic.length !== 32) throw new Error('x25519 key must be 32 bytes');
      const s = x25519.getSharedSecret(share.secret, peerPublic);
      if (s.every((b) => b === 0)) throw new Error('x25519 produced the all-zero secret');
      return s;
    }
    if (peerPublic.length !== 65 || peerPublic[0] !== 4) throw new Error('P-256 key must be an uncompressed point');
    return p256.getSharedSecret(share.secret, peerPublic, true).subarray(1);
  } catch (err) {
    throw new TlsAlertError(Alert.illegal_parameter, `bad key share: ${(err as Error).message}`);
  }
}
