// A misbehaving peer for limit tests: forges 1-RTT packets as if the client sent them,
// with the client's own keys (taken from its SSLKEYLOGFILE output), so that the server
// meets frames our well-behaved client would never send (RFC 9000 §4 limits).
import { packetKeyMaterial, QUIC_V1 } from '../../host/crypto/quic-keys';
import { Suite } from '../../host/crypto/suites';
import { nodeCryptoProvider } from '../../host/crypto/node-provider';
import type { DgramPair } from '../../host/net/dgram-pair';
import { varint } from '../support/varint';

/** A STREAM frame with offset, length and optional FIN (RFC 9000 §19.8). */
export function streamFrame(id: number, offset: number, data: Uint8Array, fin = false): Uint8Array {
  return Uint8Array.from([0x08 | 0x04 | 0x02 | (fin ? 1 : 0), ...varint(id), ...varint(offset), ...varint(data.length), ...data]);
}

/** Watches a simulated handshake and forges client 1-RTT packets afterwards. */
export class RogueClient {
  private clientSecret: Uint8Array | null = null;
  private serverCid: Uint8Array | null = null;
  private pn = 100_000;

  constructor(private readonly pair: DgramPair) {
    // The server's connection ID is the Source CID of its first long-header packet.
    const end = pair.b as unknown as { send(d: Uint8Array, p: number): void };
    const send = end.send.bind(end);
    end.send = (d: Uint8Array, p: number) => {
      if (!this.serverCid && (d[0] & 0x80)) {
        const dcidLen = d[5];
        const scidLen = d[6 + dcidLen];
        this.serverCid = d.slice(7 + dcidLen, 7 + dcidLen + scidLen);
      }
      send(d, p);
    };
  }

  /** Pass as the client's TLS keyLog (the client must use TLS_AES_128_GCM_SHA256). */
  readonly keyLog = (line: string): void => {
    const [label, , secret] = line.split(' ');
    if (label === 'CLIENT_TRAFFIC_SECRET_0') this.clientSecret = Uint8Array.from(Buffer.from(secret, 'hex'));
  };

  /**
   * The frames of one of the real client's 1-RTT packets (a datagram it sent, the
   * short-header packet alone), or null when it is not one or does not open. The packet
   * number is found by trying the candidates its truncated encoding allows.
   */
  open(d: Uint8Array): Uint8Array | null {
    if (!this.clientSecret || !this.serverCid || (d[0] & 0x80) !== 0) return null;
    const m = packetKeyMaterial(QUIC_V1, Suite.Aes128Gcm, this.clientSecret);
    const pnOffset = 1 + this.serverCid.length;
    const mask = new Uint8Array(5);
    nodeCryptoProvider.createHeaderProtector(Suite.Aes128Gcm, m.hp).mask(d, pnOffset + 4, mask, 0);
    const first = d[0] ^ (mask[0] & 0x1f);
    const pnLen = (first & 3) + 1;
    let truncated = 0;
    for (let i = 0; i < pnLen; i++) truncated = truncated * 256 + (d[pnOffset + i] ^ mask[1 + i]);
    const headerLen = pnOffset + pnLen;
    const aead = nodeCryptoProvider.createPacketProtector(Suite.Aes128Gcm, m.key, m.iv);
    for (let k = 0; k < 64; k++) {
      const buf = d.slice();
      buf[0] = first;
      for (let i = 0; i < pnLen; i++) buf[pnOffset + i] ^= mask[1 + i];
      const n = aead.open(buf, truncated + k * 2 ** (8 * pnLen), 0, headerLen, d.length - headerLen);
      if (n >= 0) return buf.slice(headerLen, headerLen + n);
    }
    return null;
  }

  /** Sends one protected 1-RTT packet carrying `frames` to the server. */
  inject(...frames: Uint8Array[]): void {
    if (!this.clientSecret || !this.serverCid) throw new Error('the handshake has not produced keys and a server CID yet');
    const m = packetKeyMaterial(QUIC_V1, Suite.Aes128Gcm, this.clientSecret);
    const pn = this.pn++;
    const header = Uint8Array.from([0x40 | 0x03, ...this.serverCid, pn >>> 24, (pn >>> 16) & 0xff, (pn >>> 8) & 0xff, pn & 0xff]);
    const payloadLen = frames.reduce((n, f) => n + f.length, 0);
    const buf = new Uint8Array(header.length + payloadLen + 16);
    buf.set(header);
    let o = header.length;
    for (const f of frames) { buf.set(f, o); o += f.length; }
    nodeCryptoProvider.createPacketProtector(Suite.Aes128Gcm, m.key, m.iv).seal(buf, pn, 0, header.length, payloadLen);
    // Header protection (RFC 9001 §5.4): the sample starts 4 bytes after the pn offset.
    const pnOffset = 1 + this.serverCid.length;
    const mask = new Uint8Array(5);
    nodeCryptoProvider.createHeaderProtector(Suite.Aes128Gcm, m.hp).mask(buf, pnOffset + 4, mask, 0);
    buf[0] ^= mask[0] & 0x1f;
    for (let i = 0; i < 4; i++) buf[pnOffset + i] ^= mask[1 + i];
    this.pair.a.send(buf, 0);
  }
}
