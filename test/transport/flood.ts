// Hostile-source helpers for endpoint tests: a server-side network with many sources
// (path 0 is the real client behind a DgramPair; paths 1.. are sources the test
// injects from, whose answers are counted and dropped), random Initial-shaped junk,
// and correctly protected Initials forged from a real client's first flight.
import { randomBytes } from 'node:crypto';
import type { DatagramHandler, Network, PathHandle } from '../../host/net/network';
import { initialSecrets, packetKeyMaterial, QUIC_V1 } from '../../host/crypto/quic-keys';
import { Suite } from '../../host/crypto/suites';
import { nodeCryptoProvider } from '../../host/crypto/node-provider';

/** Bytes received from and sent to one injected source. */
export interface SourceCounters { received: number; sent: number; datagramsSent: number }

export class MultiSourceNetwork implements Network {
  readonly addressed = true;
  readonly maxDatagramSize: number;
  private handler: DatagramHandler | null = null;
  readonly sources = new Map<PathHandle, SourceCounters>();
  readonly forgotten = new Set<PathHandle>();
  /** The datagrams sent to each injected source (kept only when `keepSent` is set). */
  readonly sentTo = new Map<PathHandle, Uint8Array[]>();
  keepSent = false;

  constructor(private readonly inner: Network) {
    this.maxDatagramSize = inner.maxDatagramSize;
    inner.onReceive((d) => this.handler?.(d, 0));
  }

  onReceive(h: DatagramHandler): void { this.handler = h; }
  onError(h: (err: Error) => void): void { this.inner.onError(h); }
  close(): void { this.inner.close(); }

  send(data: Uint8Array, path: PathHandle): void {
    if (path === 0) { this.inner.send(data, 0); return; }
    const s = this.counters(path);
    s.sent += data.length;
    s.datagramsSent++;
    if (this.keepSent) { const l = this.sentTo.get(path) ?? []; l.push(data.slice()); this.sentTo.set(path, l); }
  }

  /** Each source has its own address (4 bytes: the path number); the real client behind path 0 has none. */
  addressBytes(path: PathHandle): Uint8Array | undefined {
    return path === 0 ? undefined : Uint8Array.of(path >>> 24, (path >>> 16) & 0xff, (path >>> 8) & 0xff, path & 0xff);
  }

  forgetPath(path: PathHandle): void {
    this.forgotten.add(path);
  }

  /** Delivers `data` to the endpoint as if it came from source `path` (>= 1). */
  inject(data: Uint8Array, path: PathHandle): void {
    this.forgotten.delete(path);
    this.counters(path).received += data.length;
    this.handler!(data, path);
  }

  private counters(path: PathHandle): SourceCounters {
    let s = this.sources.get(path);
    if (!s) { s = { received: 0, sent: 0, datagramsSent: 0 }; this.sources.set(path, s); }
    return s;
  }
}

/** 1200 random bytes shaped like a v1 Initial (long header, 8-byte DCID and SCID, no token). */
export function junkInitial(): Uint8Array {
  const d = randomBytes(1200);
  d[0] = 0xc3;
  d.set([0, 0, 0, 1], 1);
  d[5] = 8;
  d[14] = 8;
  d[23] = 0; // token length
  d[24] = 0x44; d[25] = 0x96; // Length 1174 (2-byte varint): the rest of the datagram after this 26-byte header
  return new Uint8Array(d);
}

function protector(dcid: Uint8Array, side: 'client' | 'server') {
  const m = packetKeyMaterial(QUIC_V1, Suite.Aes128Gcm, initialSecrets(QUIC_V1, dcid)[side]);
  return { aead: nodeCryptoProvider.createPacketProtector(Suite.Aes128Gcm, m.key, m.iv), hp: nodeCryptoProvider.createHeaderProtector(Suite.Aes128Gcm, m.hp) };
}

/** Offsets of a v1 long header with no token and a 2-byte Length. */
function longHeaderLayout(d: Uint8Array) {
  const dcidLen = d[5];
  const scidLen = d[6 + dcidLen];
  const tokenLenAt = 7 + dcidLen + scidLen;
  if (d[tokenLenAt] !== 0) throw new Error('expected an Initial without token');
  const lengthAt = tokenLenAt + 1;
  const length = ((d[lengthAt] & 0x3f) << 8) | d[lengthAt + 1];
  return { dcid: d.slice(6, 6 + dcidLen), scid: d.slice(7 + dcidLen, 7 + dcidLen + scidLen), pnOffset: lengthAt + 2, length };
}

/** The plaintext frames (CRYPTO with the ClientHello, PADDING) and SCID of a client's first Initial datagram. */
export function openClientInitial(datagram: Uint8Array): { scid: Uint8Array; frames: Uint8Array } {
  const d = datagram.slice();
  const h = longHeaderLayout(d);
  const p = protector(h.dcid, 'client');
  const mask = new Uint8Array(5);
  p.hp.mask(d, h.pnOffset + 4, mask, 0);
  d[0] ^= mask[0] & 0x0f;
  const pnLen = (d[0] & 3) + 1;
  let pn = 0;
  for (let i = 0; i < pnLen; i++) { d[h.pnOffset + i] ^= mask[1 + i]; pn = pn * 256 + d[h.pnOffset + i]; }
  const headerLen = h.pnOffset + pnLen;
  const n = p.aead.open(d, pn, 0, headerLen, h.length - pnLen);
  if (n < 0) throw new Error('could not open the client Initial');
  return { scid: h.scid, frames: d.slice(headerLen, headerLen + n) };
}

/** A correctly protected client Initial carrying `frames`, for a DCID of our choosing. */
export function forgeInitial(frames: Uint8Array, dcid: Uint8Array, scid: Uint8Array, pn = 0, token: Uint8Array = new Uint8Array(0)): Uint8Array {
  const pnLen = 4;
  const length = pnLen + frames.length + 16;
  const tokenField = token.length < 64 ? [token.length, ...token] : [0x40 | (token.length >> 8), token.length & 0xff, ...token];
  const header = Uint8Array.from([0xc0 | (pnLen - 1), 0, 0, 0, 1, dcid.length, ...dcid, scid.length, ...scid, ...tokenField, 0x40 | (length >> 8), length & 0xff,
    (pn >>> 24) & 0xff, (pn >>> 16) & 0xff, (pn >>> 8) & 0xff, pn & 0xff]);
  const d = new Uint8Array(header.length + frames.length + 16);
  d.set(header);
  d.set(frames, header.length);
  const p = protector(dcid, 'client');
  p.aead.seal(d, pn, 0, header.length, frames.length);
  const pnOffset = header.length - pnLen;
  const mask = new Uint8Array(5);
  p.hp.mask(d, pnOffset + 4, mask, 0);
  d[0] ^= mask[0] & 0x0f;
  for (let i = 0; i < pnLen; i++) d[pnOffset + i] ^= mask[1 + i];
  return d;
}
