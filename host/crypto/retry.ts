// The Retry integrity tag (RFC 9001 §5.8; QUIC v2: RFC 9369 §3.3.3): AES-128-GCM with a
// published key and nonce over the Retry pseudo-packet (original DCID length, original
// DCID, then the Retry packet without its tag). Rare (one per Retry), so the portable
// cipher serves every runtime.

import { gcm } from '@noble/ciphers/aes.js';
import { QUIC_V1, QUIC_V2 } from './quic-keys';
import { QuicArgumentError } from '../errors';

const KEYS: Record<number, { key: string; nonce: string }> = {
  [QUIC_V1]: { key: 'be0c690b9f66575a1d766b54e368c84e', nonce: '461599d35d632bf2239825bb' },
  [QUIC_V2]: { key: '8fb4b01b56ac48e260fbcbcead7ccc92', nonce: 'd86969bc2d7c6d9990efb04a' },
};

const hex = (s: string) => Uint8Array.from(s.match(/../g)!.map((b) => parseInt(b, 16)));

/** The 16-byte tag for `retryWithoutTag` answering a client whose first DCID was `originalDcid`. */
export function retryIntegrityTag(version: number, originalDcid: Uint8Array, retryWithoutTag: Uint8Array): Uint8Array {
  const k = KEYS[version];
  if (!k) throw new QuicArgumentError(`no Retry integrity key for version 0x${(version >>> 0).toString(16)}`);
  const pseudo = new Uint8Array(1 + originalDcid.length + retryWithoutTag.length);
  pseudo[0] = originalDcid.length;
  pseudo.set(originalDcid, 1);
  pseudo.set(retryWithoutTag, 1 + originalDcid.length);
  // GCM with an empty plaintext: the output is just the tag over the AAD.
  return gcm(hex(k.key), hex(k.nonce), pseudo).encrypt(new Uint8Array(0));
}

/** Checks a received Retry packet's tag in constant time. */
export function verifyRetryIntegrity(version: number, originalDcid: Uint8Array, retry: Uint8Array): boolean {
  if (retry.length < 16 || !KEYS[version]) return false;
  const want = retryIntegrityTag(version, originalDcid, retry.subarray(0, retry.length - 16));
  const got = retry.subarray(retry.length - 16);
  let diff = 0;
  for (let i = 0; i < 16; i++) diff |= want[i] ^ got[i];
  return diff === 0;
}
