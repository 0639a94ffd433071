// (EC)DHE for TLS 1.3 key shares (RFC 9846 §4.2.8.2): x25519, secp256r1 and secp384r1
// through the handshake crypto seam (node:crypto on Node, @noble/curves elsewhere).

import { Alert, TlsAlertError } from './alerts';
import { handshakeCrypto, type EphemeralKey, type HandshakeCrypto } from './handshake-crypto';

export interface KeyShare {
  group: number;
  publicKey: Uint8Array;
  /** @internal the private half, in the form of the implementation that made it */
  readonly key: EphemeralKey;
  /** @internal that implementation: the shared secret is computed by the same one */
  readonly impl: HandshakeCrypto;
}

export function newKeyShare(group: number, random: (n: number) => Uint8Array, impl: HandshakeCrypto = handshakeCrypto()): KeyShare {
  if (!impl.supportsGroup(group)) throw new TlsAlertError(Alert.internal_error, `unsupported group 0x${group.toString(16)}`);
  const key = impl.keyShare(group, random);
  return { group, publicKey: key.publicKey, key, impl };
}

/** The shared secret with the peer's public key; illegal_parameter for a bad point. */
export function sharedSecret(share: KeyShare, peerPublic: Uint8Array): Uint8Array {
  try {
    return share.impl.sharedSecret(share.group, share.key, peerPublic);
  } catch (err) {
    throw new TlsAlertError(Alert.illegal_parameter, `bad key share: ${(err as Error).message}`);
  }
}
