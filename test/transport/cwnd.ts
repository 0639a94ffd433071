// The congestion window invariant (RFC 9002 §7: only probes may put bytes in flight
// above the window) measured on the wire, outside the core. Every 1-RTT packet between
// the ends is opened with the keys from the client's TLS key log: the observer knows
// each side's ack-eliciting packets as sent (before the link's impairments) and the
// ACK frames that actually reach it (after them).
//
// What cannot be seen from outside is which packets the sender has declared lost: that
// is its own inference (RFC 9002 §6.1, thresholds on its RTT estimate). But a packet can
// only be declared lost once a later one is acknowledged, so the ack-eliciting 1-RTT
// packets above the largest acknowledged are certainly still in flight: their sum is a
// lower bound of the sender's bytes in flight, computed from the wire alone. The
// observer checks it at every ack-eliciting send against
//   - the window the sender reports at that instant (stats().cwnd): the wire's bytes in
//     flight must fit the reported window, so the sender's own accounting of bytes in
//     flight cannot drift below what is on the wire (sends during PTO backoff are
//     skipped: probes may exceed the window, and the wire cannot tell a probe apart);
//   - a bound that owes nothing to the sender: no controller grows its window faster
//     than the bytes acknowledged (slow start adds exactly those, RFC 9002 §7.3.1; CUBIC
//     less), so cwnd <= initial window + bytes acknowledged (1-RTT packets acknowledged as
//     seen on the wire, plus every long-header byte the sender sent, which bounds its
//     acknowledged handshake bytes), plus two probe datagrams per PTO the wire shows (an
//     ack-eliciting send after a silence of at least one PTO floor).
import { packetKeyMaterial, QUIC_V1 } from '../../host/crypto/quic-keys';
import { Suite } from '../../host/crypto/suites';
import { nodeCryptoProvider } from '../../host/crypto/node-provider';
import type { PacketProtector, HeaderProtector } from '../../host/crypto/provider';
import { longPackets } from './amplification';
import { readVarint } from '../support/varint';

type Keys = { aead: PacketProtector; hp: HeaderProtector };

/** RFC 9002 §7.2: the initial window for 1200-byte datagrams. */
const INITIAL_WINDOW = 12_000;

/** RFC 9000 Appendix A.3. */
function decodePn(largest: number, truncated: number, bits: number): number {
  const expected = largest + 1;
  const win = 2 ** bits, half = win / 2;
  const candidate = (expected - (expected % win)) + truncated;
  if (candidate <= expected - half && candidate < 2 ** 62 - win) return candidate + win;
  if (candidate > expected + half && candidate >= win) return candidate - win;
  return candidate;
}

/** Frame types of a 1-RTT payload that are not ack-eliciting (RFC 9000 §13.2): PADDING, ACK, CONNECTION_CLOSE. */
const NOT_ELICITING = new Set([0x00, 0x02, 0x03, 0x1c, 0x1d]);

interface Frames { eliciting: boolean; acks: [number, number][] }

/** Walks a decrypted 1-RTT payload: whether it elicits an ACK, and its ACK ranges [lo, hi]. */
function scanFrames(p: Uint8Array): Frames | null {
  const out: Frames = { eliciting: false, acks: [] };
  let at = 0;
  const v = () => { const r = readVarint(p, at); if (!r) throw new Error('short'); at += r[1]; return r[0]; };
  try {
    while (at < p.length) {
      const type = v();
      if (!NOT_ELICITING.has(type)) out.eliciting = true;
      if (type === 0x00) continue;
      if (type === 0x02 || type === 0x03) {
        const largest = v(); v(); const count = v(); const first = v();
        let hi = largest, lo = largest - first;
        out.acks.push([lo, hi]);
        for (let i = 0; i < count; i++) { const gap = v(); const len = v(); hi = lo - gap - 2; lo = hi - len; out.acks.push([lo, hi]); }
        if (type === 0x03) { v(); v(); v(); }
        continue;
      }
      // Anything else ends the scan: only the ack-eliciting bit and the ACK ranges matter,
      // and our packets put ACK frames first (conn/transmit.ts writes the ACK first).
      out.eliciting = true;
      break;
    }
  } catch { return null; }
  return out;
}

interface SideState {
  /** 1-RTT write keys of this side (candidates until one opens a packet). */
  keys: Keys[];
  largestPn: number;
  /** This side's connection ID length (the DCID of packets toward it). */
  cidLen: number;
  /** Unacknowledged ack-eliciting 1-RTT packets: pn -> bytes. */
  unacked: Map<number, number>;
  largestAcked: number;
  ackedBytes: number;
  longBytesSent: number;
  lastElicitingAt: number;
  ptoSilences: number;
}

const side = (): SideState => ({ keys: [], largestPn: -1, cidLen: 8, unacked: new Map(), largestAcked: -1, ackedBytes: 0, longBytesSent: 0, lastElicitingAt: -1, ptoSilences: 0 });

export class CwndObserver {
  private readonly s: Record<'client' | 'server', SideState> = { client: side(), server: side() };
  /** Ack-eliciting sends checked against the reported window, and those whose wire in-flight exceeded it. */
  checked = 0;
  overReported = 0;
  /** Sends whose wire in-flight exceeded the outside bound (initial window + acknowledged bytes + probes). */
  overOutside = 0;
  /** 1-RTT packets the observer could not open (it then knows nothing about them). */
  unopened = 0;
  /** Largest wire in-flight / reported cwnd seen (diagnostics). */
  maxRatio = 0;
  worst = '';

  /** Pass as the client's TLS keyLog (it logs both sides' traffic secrets). */
  readonly keyLog = (line: string): void => {
    const [label, , hex] = line.split(' ');
    const who = label === 'CLIENT_TRAFFIC_SECRET_0' ? 'client' : label === 'SERVER_TRAFFIC_SECRET_0' ? 'server' : null;
    if (!who) return;
    const secret = Uint8Array.from(Buffer.from(hex, 'hex'));
    const suites = secret.length === 48 ? [Suite.Aes256Gcm] : [Suite.Aes128Gcm, Suite.ChaCha20Poly1305];
    this.s[who].keys = suites.map((st) => {
      const m = packetKeyMaterial(QUIC_V1, st, secret);
      return { aead: nodeCryptoProvider.createPacketProtector(st, m.key, m.iv), hp: nodeCryptoProvider.createHeaderProtector(st, m.hp) };
    });
  };

  /**
   * `from` sends datagram `d` at `now` (µs); `stats` reads its connection's reported
   * window and PTO count at this instant (null before the connection object exists).
   */
  sent(from: 'client' | 'server', d: Uint8Array, now: number, stats: (() => { cwnd: number; ptoCount: number }) | null): void {
    const me = this.s[from];
    const longs = longPackets(d);
    for (const p of longs) {
      me.longBytesSent += p.end - p.start;
      if (p.type === 0) (from === 'client' ? this.s.client : this.s.server).cidLen = p.scid.length;
    }
    const at = longs.length ? longs[longs.length - 1].end : 0;
    if (at >= d.length || (d[at] & 0x80) !== 0) return;
    const peer = this.s[from === 'client' ? 'server' : 'client'];
    const opened = this.open(me, d, at, peer.cidLen);
    if (!opened) return;
    const f = scanFrames(opened.payload);
    if (!f || !f.eliciting) return;
    const size = d.length - at;
    me.unacked.set(opened.pn, size);
    // A send after a silence of at least a PTO's floor (RFC 9002 §6.2.1: kGranularity
    // plus max_ack_delay, 25 ms by default, above any RTT the simulator has) may be a
    // probe: two datagrams of slack each.
    if (me.lastElicitingAt >= 0 && now - me.lastElicitingAt >= 26_000) me.ptoSilences++;
    me.lastElicitingAt = now;
    let inFlight = 0;
    for (const [pn, bytes] of me.unacked) if (pn > me.largestAcked) inFlight += bytes;
    const outside = INITIAL_WINDOW + me.ackedBytes + me.longBytesSent + 2 * 1252 * me.ptoSilences;
    if (inFlight > outside) this.overOutside++;
    const st = stats?.();
    if (!st || st.ptoCount > 0) return;
    this.checked++;
    const ratio = inFlight / st.cwnd;
    if (ratio > this.maxRatio) { this.maxRatio = ratio; this.worst = `${from} at ${now}: wire in flight ${inFlight} B, reported cwnd ${st.cwnd} B`; }
    if (inFlight > st.cwnd) this.overReported++;
  }

  /** Datagram `d` from `from` reaches the other side (after the link's impairments): its ACKs count. */
  delivered(from: 'client' | 'server', d: Uint8Array): void {
    const me = this.s[from];
    const longs = longPackets(d);
    const at = longs.length ? longs[longs.length - 1].end : 0;
    if (at >= d.length || (d[at] & 0x80) !== 0) return;
    const receiver = this.s[from === 'client' ? 'server' : 'client'];
    const opened = this.open(me, d, at, receiver.cidLen, false);
    if (!opened) return;
    const f = scanFrames(opened.payload);
    if (!f) return;
    for (const [lo, hi] of f.acks) {
      if (hi > receiver.largestAcked) receiver.largestAcked = hi;
      for (const [pn, bytes] of receiver.unacked) {
        if (pn >= lo && pn <= hi) { receiver.ackedBytes += bytes; receiver.unacked.delete(pn); }
      }
    }
  }

  /** Opens a 1-RTT packet at `at` on a copy with `who`'s write keys. */
  private open(who: SideState, d: Uint8Array, at: number, dcidLen: number, count = true): { pn: number; payload: Uint8Array } | null {
    const pnOffset = at + 1 + dcidLen;
    if (pnOffset + 4 + 16 > d.length) return null;
    for (const k of who.keys) {
      const b = d.slice();
      const mask = new Uint8Array(5);
      k.hp.mask(b, pnOffset + 4, mask, 0);
      b[at] ^= mask[0] & 0x1f;
      const pnLen = (b[at] & 3) + 1;
      let truncated = 0;
      for (let i = 0; i < pnLen; i++) { b[pnOffset + i] ^= mask[1 + i]; truncated = truncated * 256 + b[pnOffset + i]; }
      const pn = decodePn(who.largestPn, truncated, pnLen * 8);
      const headerLen = pnOffset + pnLen - at;
      const n = k.aead.open(b, pn, at, headerLen, d.length - pnOffset - pnLen);
      if (n < 0) continue;
      who.keys = [k];
      if (pn > who.largestPn) who.largestPn = pn;
      return { pn, payload: b.subarray(pnOffset + pnLen, pnOffset + pnLen + n) };
    }
    if (count && who.keys.length) this.unopened++;
    return null;
  }
}
