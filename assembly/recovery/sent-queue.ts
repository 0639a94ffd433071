// The packets of one space awaiting acknowledgment, in packet-number order (they are
// sent in that order), as ngtcp2's rtb keeps them: two rings of fixed-size records in
// linear memory, one of packets and one of their frames (recovery/sent.ts).
//
//   packets: [head ........ tail)        sequence numbers, slot = seq & (capacity - 1)
//   frames:  [fhead ....... ftail)       a packet's frames are [firstFrame, +frameCount)
//
// Records are appended at the tails while packets are built and retired (acknowledged
// or lost) in any order; the retired prefix is dropped at the heads. ACK processing and
// loss detection find their packets by binary search, so a large window in flight costs
// O(log n) per ACK range. The rings are allocated on first use, double when full (up to
// a ceiling: past it the connection stops sending ack-eliciting packets, canRecord), and
// halve again when most of their slots are free, so that a burst's memory is given back.
// Nothing is allocated per packet: only a ring's growth or shrinking allocates.

import { SentPacket, SentFrame, PACKET_RECORD_SIZE, FRAME_RECORD_SIZE } from "./sent";

/**
 * Smallest ring sizes (records), allocated with the first packet. One, because a
 * half-open connection holds two spaces' rings for its first flight (issue 17: ≤ 4 KiB
 * per half-open connection): a server's first flight is one Initial packet (ACK and
 * CRYPTO) and, with a small certificate, one Handshake packet, so rings of one record
 * (two frames after one doubling) hold it: 0.2 KB less than rings of 2 and 4, 0.6 KB
 * less than 4 and 8. A busy space doubles them within a few packets.
 */
export const PACKET_RING_MIN: i32 = 1;
export const FRAME_RING_MIN: i32 = 1;
/** Ceilings: 65,536 packets in flight per space (78 MB of 1200-byte packets). */
export const PACKET_RING_MAX: i32 = 1 << 16;
export const FRAME_RING_MAX: i32 = 1 << 18;
/** Most frames one packet can record (a 1200-byte payload of 2-byte frames). */
export const MAX_FRAMES_PER_PACKET: i32 = 600;

/** Ring bytes currently held by all queues of this instance (a bound tests and benches read). */
export let sentRingBytes: i64 = 0;

/** The smallest power of two at least twice `used` and at least `min`. */
function fit(used: i32, min: i32): i32 {
  let cap = min;
  while (cap < used * 2) cap <<= 1;
  return cap;
}

export class SentQueue {
  private pkts: StaticArray<u8> | null = null;
  private pcap: i32 = 0;
  private head: i64 = 0;
  private tail: i64 = 0;
  private frames: StaticArray<u8> | null = null;
  private fcap: i32 = 0;
  private fhead: i64 = 0;
  private ftail: i64 = 0;
  /** Frame sequence where the packet being built started. */
  private building: i64 = 0;
  /** Live (not yet acknowledged or lost) packets. */
  live: i32 = 0;
  // Peak records in use and trims since the last shrink check.
  private peak: i32 = 0;
  private fpeak: i32 = 0;
  private trims: i32 = 0;

  /** First packet sequence to visit (inclusive) and end (exclusive) for iteration. */
  get start(): i64 { return this.head; }
  get end(): i64 { return this.tail; }

  /** The packet record with sequence number `i` (start <= i < end). */
  at(i: i64): SentPacket {
    return changetype<SentPacket>(changetype<usize>(this.pkts) + (<usize>(i & <i64>(this.pcap - 1))) * PACKET_RECORD_SIZE);
  }

  /** The frame record with sequence number `seq`. */
  frame(seq: i64): SentFrame {
    return changetype<SentFrame>(changetype<usize>(this.frames) + (<usize>(seq & <i64>(this.fcap - 1))) * FRAME_RECORD_SIZE);
  }

  /** Room for one more packet with its frames below the ceilings. */
  canRecord(): bool {
    return this.tail - this.head < <i64>PACKET_RING_MAX && this.ftail - this.fhead + <i64>MAX_FRAMES_PER_PACKET <= <i64>FRAME_RING_MAX;
  }

  /**
   * Room for a packet that is not ack-eliciting (ACK only): such packets are retired only
   * when a later ACK covers them or declares them lost, so a peer that never acknowledges
   * could fill the ring with them; they may take half of it at most, never the room
   * ack-eliciting packets need.
   */
  canRecordAckOnly(): bool {
    return this.tail - this.head < <i64>(PACKET_RING_MAX >> 1);
  }

  /** Starts recording the frames of a new packet. */
  begin(): void {
    this.building = this.ftail;
  }

  /** Records one frame of the packet being built. */
  addFrame(kind: u8, streamId: u64, offset: u64, len: i32, fin: bool): void {
    if (this.ftail - this.fhead >= <i64>this.fcap) this.resizeFrames(this.fcap == 0 ? FRAME_RING_MIN : this.fcap << 1);
    const f = this.frame(this.ftail++);
    f.kind = kind;
    f.streamId = streamId;
    f.offset = offset;
    f.len = len;
    f.fin = fin;
  }

  /** Frames recorded for the packet being built so far. */
  get pendingFrames(): i32 { return <i32>(this.ftail - this.building); }

  /**
   * Forgets the frames of a packet that was not sent after all. Writes nothing when the
   * packet recorded none: a space that has sent nothing shares one empty queue
   * (conn/space.ts NO_SENT), which must stay unwritten.
   */
  abandon(): void {
    if (this.ftail != this.building) this.ftail = this.building;
  }

  /** Appends the packet being built, with the frames recorded since begin(). */
  commit(pn: u64, timeSent: f64, size: i32, ackEliciting: bool, inFlight: bool, largestAckedSent: i64): void {
    if (this.tail - this.head >= <i64>this.pcap) this.resizePackets(this.pcap == 0 ? PACKET_RING_MIN : this.pcap << 1);
    const p = this.at(this.tail++);
    p.pn = pn;
    p.timeSent = timeSent;
    p.size = size;
    p.ackEliciting = ackEliciting;
    p.inFlight = inFlight;
    p.retired = false;
    p.largestAckedSent = largestAckedSent;
    p.firstFrame = this.building;
    p.frameCount = <i32>(this.ftail - this.building);
    this.building = this.ftail;
    this.live++;
    const used = <i32>(this.tail - this.head), fused = <i32>(this.ftail - this.fhead);
    if (used > this.peak) this.peak = used;
    if (fused > this.fpeak) this.fpeak = fused;
  }

  /** Sequence number of the first packet (live or not) with pn >= `pn`, at or after head. */
  lowerBound(pn: u64): i64 {
    let lo = this.head, hi = this.tail;
    while (lo < hi) {
      const mid = lo + ((hi - lo) >> 1);
      if (this.at(mid).pn < pn) lo = mid + 1; else hi = mid;
    }
    return lo;
  }

  /** Marks the packet `i` acknowledged or lost. */
  retire(i: i64): void {
    const p = this.at(i);
    if (p.retired) return;
    p.retired = true;
    this.live--;
  }

  /**
   * Drops the retired prefix. Gives memory back when the rings stayed mostly free: the
   * check looks at the peak use since the last check (every 16 trims, or whenever the
   * queue empties), so that a window that drains and refills every round trip keeps its
   * rings instead of halving and doubling them each time.
   */
  trim(): void {
    if (this.pcap == 0) return; // nothing was ever recorded (or all was cleared): nothing to drop or shrink
    while (this.head < this.tail && this.at(this.head).retired) this.head++;
    this.fhead = this.head < this.tail ? this.at(this.head).firstFrame : this.ftail;
    const used = <i32>(this.tail - this.head);
    const fused = <i32>(this.ftail - this.fhead);
    if (++this.trims < 16 && used > 0) return;
    if (this.pcap > PACKET_RING_MIN && this.peak * 4 <= this.pcap) this.resizePackets(fit(this.peak, PACKET_RING_MIN));
    if (this.fcap > FRAME_RING_MIN && this.fpeak * 4 <= this.fcap) this.resizeFrames(fit(this.fpeak, FRAME_RING_MIN));
    this.trims = 0;
    this.peak = used;
    this.fpeak = fused;
  }

  /** Forgets every packet and releases the rings (the space's keys were discarded). */
  clear(): void {
    if (this.pcap == 0 && this.fcap == 0 && this.ftail == 0) return; // never used: already clear
    sentRingBytes -= <i64>this.pcap * <i64>PACKET_RECORD_SIZE + <i64>this.fcap * <i64>FRAME_RECORD_SIZE;
    this.pkts = null; this.pcap = 0;
    this.frames = null; this.fcap = 0;
    this.head = 0; this.tail = 0;
    this.fhead = 0; this.ftail = 0; this.building = 0;
    this.live = 0;
    this.peak = 0; this.fpeak = 0; this.trims = 0;
  }

  /** Moves the packet ring to `cap` slots (a power of two holding every record in use). */
  private resizePackets(cap: i32): void {
    const buf = new StaticArray<u8>(cap * <i32>PACKET_RECORD_SIZE);
    const dst = changetype<usize>(buf);
    for (let i = this.head; i < this.tail; i++) {
      memory.copy(dst + (<usize>(i & <i64>(cap - 1))) * PACKET_RECORD_SIZE, changetype<usize>(this.at(i)), PACKET_RECORD_SIZE);
    }
    sentRingBytes += <i64>(cap - this.pcap) * <i64>PACKET_RECORD_SIZE;
    this.pkts = buf;
    this.pcap = cap;
  }

  /** Moves the frame ring to `cap` slots (a power of two holding every record in use). */
  private resizeFrames(cap: i32): void {
    const buf = new StaticArray<u8>(cap * <i32>FRAME_RECORD_SIZE);
    const dst = changetype<usize>(buf);
    for (let i = this.fhead; i < this.ftail; i++) {
      memory.copy(dst + (<usize>(i & <i64>(cap - 1))) * FRAME_RECORD_SIZE, changetype<usize>(this.frame(i)), FRAME_RECORD_SIZE);
    }
    sentRingBytes += <i64>(cap - this.fcap) * <i64>FRAME_RECORD_SIZE;
    this.frames = buf;
    this.fcap = cap;
  }
}
