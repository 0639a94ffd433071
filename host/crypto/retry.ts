// The Retry integrity tag (RFC 9001 §5.8; QUIC v2: RFC 9369 §3.3.3): AES-128-GCM with a
// published key and nonce over the Retry pseudo-packet (original DCID length, original
// DCID, then the Retry packet without its tag). An endpoint computes it through its
// crypto provider (node:crypto where there is one: one tag cost ≈ 70 µs on the portable
// cipher, most of a Retry's CPU under a flood, bench/retry-flood.ts); without a provider
// the portable one serves every runtime.

import { QUIC_V1, QUIC_V2 } from './quic-keys';
import { QuicArgumentError } from '../errors';
import { Suite } from './suites';
import type { CryptoProvider, PacketProtector } from './provider';
import { portableCryptoProvider } from './portable-provider';

const KEYS: Record<number, { key: string; nonce: string }> = {
  [QUIC_V1]: { key: 'be0c690b9f66575a1d766b54e368c84e', nonce: '461599d35d632bf2239825bb' },
  [QUIC_V2]: { key: '8fb4b01b56ac48e260fbcbcead7ccc92', nonce: 'd86969bc2d7c6d9990efb04a' },
};

const hex = (s: string) => Uint8Array.from(s.match(/../g)!.map((b) => parseInt(b, 16)));

/** Retry tags of one provider: the key and nonce are fixed per version, so one AEAD each serves every tag. */
export class RetryTagger {
  private readonly aeads = new Map<number, PacketProtector>();

  constructor(private readonly provider: CryptoProvider = portableCryptoProvider) {}

  /** The 16-byte tag for `retryWithoutTag` answering a client whose first DCID was `originalDcid`. */
  tag(version: number, originalDcid: Uint8Array, retryWithoutTag: Uint8Array): Uint8Array {
    let aead = this.aeads.get(version);
    if (!aead) {
      const k = KEYS[version];
      if (!k) throw new QuicArgumentError(`no Retry integrity key for version 0x${(version >>> 0).toString(16)}`);
      // Packet number 0: the AEAD nonce is the iv itself, the published nonce.
      aead = this.provider.createPacketProtector(Suite.Aes128Gcm, hex(k.key), hex(k.nonce));
      this.aeads.set(version, aead);
    }
    const aad = 1 + originalDcid.length + retryWithoutTag.length;
    const buf = new Uint8Array(aad + 16);
    buf[0] = originalDcid.length;
    buf.set(originalDcid, 1);
    buf.set(retryWithoutTag, 1 + originalDcid.length);
    // GCM with an empty plaintext: the output is just the tag over the pseudo-packet.
    aead.seal(buf, 0, 0, aad, 0);
    return buf.subarray(aad);
  }

  /** Checks a received Retry packet's tag in constant time. */
  verify(version: number, originalDcid: Uint8Array, retry: Uint8Array): boolean {
    if (retry.length < 16 || !KEYS[version]) return false;
    const want = this.tag(version, originalDcid, retry.subarray(0, retry.length - 16));
    const got = retry.subarray(retry.length - 16);
    let diff = 0;
    for (let i = 0; i < 16; i++) diff |= want[i] ^ got[i];
    return diff === 0;
  }
}

const portable = new RetryTagger();

/** The tag through the portable cipher (tests, vectors). */
export function retryIntegrityTag(version: number, originalDcid: Uint8Array, retryWithoutTag: Uint8Array): Uint8Array {
  return portable.tag(version, originalDcid, retryWithoutTag);
}

/** Checks a received Retry packet's tag in constant time (portable cipher). */
export function verifyRetryIntegrity(version: number, originalDcid: Uint8Array, retry: Uint8Array): boolean {
  return portable.verify(version, originalDcid, retry);
}
