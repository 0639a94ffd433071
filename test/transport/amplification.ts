// The anti-amplification invariant (RFC 9000 §8.1) measured on the wire, outside the
// core: every datagram between the ends is parsed here, and the client's address
// counts as validated only from the first client Handshake packet that really opens
// with the client's handshake keys (taken from its TLS key log) — not from a first
// byte that merely looks like one (corruption can fake that), and wherever the packet
// sits in a coalesced datagram. Until then the server may send at most three times
// the bytes it received on its connection's IDs.
import { packetKeyMaterial, QUIC_V1 } from '../../host/crypto/quic-keys';
import { Suite } from '../../host/crypto/suites';
import { nodeCryptoProvider } from '../../host/crypto/node-provider';
import type { PacketProtector, HeaderProtector } from '../../host/crypto/provider';
import { readVarint } from '../support/varint';

interface LongPacket { start: number; type: number; dcid: Uint8Array; scid: Uint8Array; pnOffset: number; end: number }

/** The long-header packets of a datagram (v1), in order; stops at a short header or a malformed packet. */
export function longPackets(d: Uint8Array): LongPacket[] {
  const out: LongPacket[] = [];
  let at = 0;
  while (at + 7 <= d.length && (d[at] & 0x80) !== 0) {
    const type = (d[at] >> 4) & 3; // not header-protected (RFC 9001 §5.4.1)
    const dl = d[at + 5];
    let p = at + 6;
    if (p + dl + 1 > d.length) break;
    const dcid = d.subarray(p, p + dl); p += dl;
    const sl = d[p++];
    if (p + sl > d.length) break;
    const scid = d.subarray(p, p + sl); p += sl;
    if (type === 0) { const t = readVarint(d, p); if (!t) break; p += t[1] + t[0]; }
    const l = readVarint(d, p);
    if (!l) break;
    p += l[1];
    const end = p + l[0];
    if (end > d.length) break;
    out.push({ start: at, type, dcid, scid, pnOffset: p, end });
    at = end;
  }
  return out;
}

const sameBytes = (a: Uint8Array, b: Uint8Array) => a.length === b.length && a.every((x, i) => x === b[i]);

export class AmplificationObserver {
  private clientDcid: Uint8Array | null = null;
  private serverScid: Uint8Array | null = null;
  private keys: { aead: PacketProtector; hp: HeaderProtector }[] = [];
  serverIn = 0;
  serverOut = 0;
  validated = false;
  maxRatio = 0;

  /** Pass as the client's TLS keyLog. */
  readonly keyLog = (line: string): void => {
    const [label, , hex] = line.split(' ');
    if (label !== 'CLIENT_HANDSHAKE_TRAFFIC_SECRET') return;
    const secret = Uint8Array.from(Buffer.from(hex, 'hex'));
    // The suite is not in the key log line: a 48-byte secret is AES-256-GCM (SHA-384); a
    // 32-byte one is AES-128-GCM or ChaCha20-Poly1305, so both are tried.
    const suites = secret.length === 48 ? [Suite.Aes256Gcm] : [Suite.Aes128Gcm, Suite.ChaCha20Poly1305];
    this.keys = suites.map((s) => {
      const m = packetKeyMaterial(QUIC_V1, s, secret);
      return { aead: nodeCryptoProvider.createPacketProtector(s, m.key, m.iv), hp: nodeCryptoProvider.createHeaderProtector(s, m.hp) };
    });
  };

  /** A datagram from the client arrives at the server. */
  fromClient(d: Uint8Array): void {
    const pkts = longPackets(d);
    const first = pkts[0];
    if (first && !this.clientDcid && first.type === 0) this.clientDcid = first.dcid.slice();
    // Count what the server's connection receives: datagrams addressed to one of its IDs.
    const dcid = first ? first.dcid : d.subarray(1, 1 + (this.serverScid?.length ?? 0));
    const ours = (this.clientDcid && sameBytes(dcid, this.clientDcid)) || (this.serverScid && sameBytes(dcid, this.serverScid));
    if (!ours) return;
    this.serverIn += d.length;
    if (!this.validated && pkts.some((p) => p.type === 2 && this.opens(d, p))) this.validated = true;
  }

  /** A datagram from the server leaves for the client. */
  fromServer(d: Uint8Array): void {
    const first = longPackets(d)[0];
    if (first && !this.serverScid) this.serverScid = first.scid.slice();
    this.serverOut += d.length;
    if (!this.validated && this.serverIn > 0) this.maxRatio = Math.max(this.maxRatio, this.serverOut / this.serverIn);
  }

  /** True when the Handshake packet opens with the client's handshake keys (on a copy). */
  private opens(d: Uint8Array, p: LongPacket): boolean {
    for (const k of this.keys) {
      const b = d.slice(0, p.end);
      if (p.pnOffset + 4 + 16 > p.end) return false;
      const mask = new Uint8Array(5);
      k.hp.mask(b, p.pnOffset + 4, mask, 0);
      const pktStart = p.start;
      b[pktStart] ^= mask[0] & 0x0f;
      const pnLen = (b[pktStart] & 3) + 1;
      let pn = 0;
      for (let i = 0; i < pnLen; i++) { b[p.pnOffset + i] ^= mask[1 + i]; pn = pn * 256 + b[p.pnOffset + i]; }
      // Packet numbers in the simulator's handshakes stay small: the truncated value is the full one.
      const headerLen = p.pnOffset + pnLen - pktStart;
      if (k.aead.open(b, pn, pktStart, headerLen, p.end - p.pnOffset - pnLen) >= 0) return true;
    }
    return false;
  }
}
