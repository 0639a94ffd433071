// Two network ends joined in memory (the unaddressed network of ARCHITECTURE.md §5):
// what the simulator tests and the browser harness run on. Each direction can be
// impaired — loss, reordering, duplication, corruption, delay with jitter, a
// bandwidth limit with a bounded queue, an MTU — from a seeded PRNG, so a seed
// replays exactly when the pair runs on a VirtualClock. Platform-neutral.

import type { Clock } from '../transport/clock';
import type { DatagramHandler, Network, PathHandle, PathOptions } from './network';
import { Prng } from './prng';
import { QuicArgumentError } from '../errors';

/** Impairments of one direction. Every field is optional; the default is a perfect link. */
export interface LinkImpairments {
  /** Probability a datagram is lost (0..1). */
  loss?: number;
  /** Probability a datagram is held back by `reorderDelayUs` so later ones overtake it. */
  reorder?: number;
  /** Extra delay of a reordered datagram (µs, default 5000). */
  reorderDelayUs?: number;
  /** Probability a datagram is delivered twice. */
  duplicate?: number;
  /** Probability a datagram has 1-3 random bits flipped. */
  corrupt?: number;
  /** Fixed one-way delay (µs). */
  delayUs?: number;
  /** Uniform random extra delay in [0, jitterUs) (µs). Jitter alone can reorder. */
  jitterUs?: number;
  /** Link rate in bits per second (0 or absent = unlimited). */
  bandwidthBps?: number;
  /** Bytes the link queue holds before it drops at the tail (default 256 KiB). */
  queueBytes?: number;
  /**
   * Datagrams larger than this are dropped (default 65527). The sending end reports it as
   * its maxDatagramSize, the ceiling of PMTU discovery; without it the end reports 1200,
   * so that a pair runs with QUIC's minimum datagrams unless a test asks for more.
   */
  mtu?: number;
  /**
   * A limit inside the path that the ends do not know (default none): larger datagrams
   * vanish silently, what PMTU discovery has to find out. Counted in droppedMtu. Change it
   * mid-run with DgramEnd.impair() to open a black hole.
   */
  pathMtu?: number;
}

/** Counters of one direction. */
export interface LinkCounters {
  sent: number;
  delivered: number;
  bytesSent: number;
  bytesDelivered: number;
  droppedLoss: number;
  droppedQueue: number;
  droppedMtu: number;
  droppedClosed: number;
  duplicated: number;
  corrupted: number;
  reordered: number;
}

/** Options of a pair. */
export interface DgramPairOptions {
  /** Time source: a VirtualClock for deterministic runs, a RealClock for demos. */
  clock: Clock;
  /** Seed of the impairment PRNG (default 1). */
  seed?: number;
  /** Impairments from end A to end B. */
  aToB?: LinkImpairments;
  /** Impairments from end B to end A. */
  bToA?: LinkImpairments;
  /**
   * Hand datagrams to the endpoints in batches, as a UDP socket does: every datagram due
   * at one instant is fed before the endpoint services the batch (sends, reads, timer)
   * once (`Network.afterReceives`, pump.ts). Default false: per datagram, the history
   * the simulator's seeded tests were written against.
   */
  batchReceives?: boolean;
  /**
   * Reuse the link's buffers once their datagrams have been delivered, instead of fresh
   * ones (fresh memory is the costliest part of the link in Node). Only for receivers
   * that do not keep the bytes past the receive call — the endpoints' pump copies them
   * into the core at once; a test handler that stores datagrams must leave it off.
   * Default false.
   */
  recycleBuffers?: boolean;
}

function newCounters(): LinkCounters {
  return {
    sent: 0, delivered: 0, bytesSent: 0, bytesDelivered: 0, droppedLoss: 0, droppedQueue: 0,
    droppedMtu: 0, droppedClosed: 0, duplicated: 0, corrupted: 0, reordered: 0,
  };
}

function checkProbability(name: string, p: number | undefined): void {
  if (p !== undefined && !(p >= 0 && p <= 1)) throw new QuicArgumentError(`${name} must be in [0, 1], got ${p}`);
}

function checkNonNegative(name: string, v: number | undefined): void {
  if (v !== undefined && !(v >= 0 && Number.isFinite(v))) throw new QuicArgumentError(`${name} must be a finite number >= 0, got ${v}`);
}

/**
 * Bytes of the slabs datagrams in flight are copied into (Link.copy): small enough that
 * the C allocator serves them from memory freed before rather than from fresh pages
 * (256 KiB slabs faulted a page in for every three datagrams, as slow as a slice each).
 */
const SLAB_BYTES = 32 * 1024;

/** A slab and how many datagrams cut from it are still in flight. */
interface Slab { bytes: Uint8Array; inFlight: number }
const NO_SLAB: Slab = { bytes: new Uint8Array(0), inFlight: 0 };
/**
 * Drained slabs kept for reuse (recycleBuffers): 8 MiB, about what a bulk transfer keeps in
 * flight on a 1 ms virtual link (8 slabs refilled from fresh memory most of the time).
 */
const SPARE_SLABS = 256;

/** One direction of the pair: impairs, queues and schedules delivery. */
class Link {
  readonly counters = newCounters();
  // When the link's serializer is free again (µs): models the bandwidth limit.
  private busyUntil = 0;
  /** Where datagrams in flight are copied to (copy()), and the next free byte in it. */
  private slab: Slab = NO_SLAB;
  private slabAt = 0;
  /** Drained slabs (recycleBuffers only). */
  private spare: Slab[] | null = null;
  target: DgramEnd | null = null;

  readonly impairments: LinkImpairments;

  constructor(private readonly clock: Clock, private readonly prng: Prng, impairments: LinkImpairments) {
    Link.check(impairments);
    this.impairments = { ...impairments }; // a copy: impair() must not change the caller's object
  }

  static check(impairments: LinkImpairments): void {
    for (const k of ['loss', 'reorder', 'duplicate', 'corrupt'] as const) checkProbability(k, impairments[k]);
    for (const k of ['reorderDelayUs', 'delayUs', 'jitterUs', 'bandwidthBps', 'queueBytes', 'mtu', 'pathMtu'] as const) checkNonNegative(k, impairments[k]);
  }

  carry(data: Uint8Array, fromPath: PathHandle = 0): void {
    const imp = this.impairments;
    const c = this.counters;
    c.sent++;
    c.bytesSent += data.length;
    if (data.length > (imp.mtu ?? 65527) || data.length > (imp.pathMtu ?? Infinity)) { c.droppedMtu++; return; }
    // Draw every random decision in a fixed order so that one seed gives one history.
    const lost = this.prng.chance(imp.loss ?? 0);
    const dup = this.prng.chance(imp.duplicate ?? 0);
    const corrupt = this.prng.chance(imp.corrupt ?? 0);
    const reorder = this.prng.chance(imp.reorder ?? 0);
    const jitter = imp.jitterUs ? this.prng.next() * imp.jitterUs : 0;

    const now = this.clock.now();
    let leaveAt = now;
    if (imp.bandwidthBps) {
      // A tail-drop queue in front of a serializer: bytes queued = backlog time × rate.
      const start = Math.max(now, this.busyUntil);
      const queued = ((start - now) * imp.bandwidthBps) / 8e6;
      if (queued + data.length > (imp.queueBytes ?? 256 * 1024)) { c.droppedQueue++; return; }
      this.busyUntil = start + (data.length * 8e6) / imp.bandwidthBps;
      leaveAt = this.busyUntil;
    }
    if (lost) { c.droppedLoss++; return; }

    const slab = data.length > SLAB_BYTES / 4 ? null : this.slabFor(data.length);
    let bytes = slab ? this.cut(slab, data) : data.slice();
    if (corrupt && bytes.length > 0) {
      const flips = 1 + this.prng.int(3);
      for (let i = 0; i < flips; i++) {
        const bit = this.prng.int(bytes.length * 8);
        bytes[bit >> 3] ^= 1 << (bit & 7);
      }
      c.corrupted++;
    }
    let at = leaveAt + (imp.delayUs ?? 0) + jitter;
    if (reorder) { at += imp.reorderDelayUs ?? 5000; c.reordered++; }
    this.schedule(at, bytes, fromPath, slab);
    if (dup) {
      c.duplicated++;
      this.schedule(at + 1, bytes.slice(), fromPath, null);
    }
  }

  /**
   * The datagram's own bytes (the sender may reuse its buffer at once), cut from a shared
   * slab: a fresh ArrayBuffer per datagram costs ≈ 2.7 µs in Node 20, more than the rest of
   * the link, and would show in every in-memory measure of the stack. A region is never
   * handed out twice while its datagram is in flight; a slab lives while a datagram cut
   * from it does, and with recycleBuffers a drained one is filled again (its pages are
   * already in memory: new ones fault in, which costs more than the copy).
   */
  private slabFor(n: number): Slab {
    if (this.slabAt + n > this.slab.bytes.length) {
      const old = this.slab;
      this.slab = this.spare?.pop() ?? { bytes: new Uint8Array(SLAB_BYTES), inFlight: 0 };
      this.slabAt = 0;
      if (old.inFlight === 0) this.giveBack(old);
    }
    return this.slab;
  }

  private cut(slab: Slab, data: Uint8Array): Uint8Array {
    const bytes = slab.bytes.subarray(this.slabAt, this.slabAt + data.length);
    bytes.set(data);
    this.slabAt += data.length;
    slab.inFlight++;
    return bytes;
  }

  /** recycleBuffers: a slab no datagram in flight uses, and no longer the one being filled. */
  private giveBack(slab: Slab): void {
    if (this.spare && slab !== NO_SLAB && this.spare.length < SPARE_SLABS) this.spare.push(slab);
  }

  /** @internal DgramPair's recycleBuffers option. */
  recycle(): void {
    this.spare = [];
  }

  private schedule(at: number, bytes: Uint8Array, fromPath: PathHandle, slab: Slab | null): void {
    this.clock.setTimer(at, () => {
      const target = this.target;
      if (!target || target.closed) this.counters.droppedClosed++;
      else {
        this.counters.delivered++;
        this.counters.bytesDelivered += bytes.length;
        target.deliver(bytes, fromPath);
      }
      if (slab && --slab.inFlight === 0 && slab !== this.slab) this.giveBack(slab);
    });
  }
}

/**
 * One end of a DgramPair: a Network without addresses. The other end is path 0 unless
 * the simulator rebinds it (rebind(): a NAT giving this end a new source address).
 *
 * Migration (RFC 9000 §9.2): openPath() gives this end another "local socket". From then
 * on this end names paths by its sockets (0: the first; each new one a handle of its
 * own), and the other end sees each socket as a source path of its own (`seenAs`,
 * default 1000 + the handle). A socket closes when forgetPath() releases it; datagrams
 * sent to a closed socket's source are lost.
 */
export class DgramEnd implements Network {
  readonly addressed = false;
  readonly maxDatagramSize: number;
  closed = false;
  /** The path handle the other end sees on datagrams from this end (0 until rebind()). */
  sourcePath: PathHandle = 0;
  /** With DgramPairOptions.batchReceives: the end of a batch (pump.ts), after every datagram due at this instant. */
  afterReceives?: (fn: () => void) => void;
  /** Bytes this end sent per path handle, those dropped as addressed to no one included. */
  readonly bytesSentByPath = new Map<PathHandle, number>();
  /** Datagrams sent on a path that is not the other end's current one (an old NAT binding, a spoofed source): lost. */
  sentToNobody = 0;
  /** @internal the other end (set by DgramPair). */
  peer: DgramEnd | null = null;
  /**
   * The IP address (without port) behind a path, as addressBytes() reports it to the core.
   * Empty by default: every path then looks like the same address (a port-only change,
   * RFC 9000 §9.4), and address tokens are bound to nothing, as before.
   */
  readonly addresses = new Map<PathHandle, Uint8Array>();
  private handler: DatagramHandler | null = null;
  private errorHandler: ((err: Error) => void) | null = null;
  /** After openPath(): this end's sockets (local handle → the source path the other end sees); 0 is `sourcePath`. */
  private sockets: Map<PathHandle, PathHandle> | null = null;
  private nextSocket = 1;
  /** Sockets opened: the next openPath() fails when `refuseOpenPath` is set (a test of the error path). */
  refuseOpenPath = false;

  constructor(private readonly outgoing: Link) {
    this.maxDatagramSize = outgoing.impairments.mtu ?? 1200;
  }

  send(data: Uint8Array, path: PathHandle = 0): void {
    if (this.closed) return;
    this.bytesSentByPath.set(path, (this.bytesSentByPath.get(path) ?? 0) + data.length);
    if (this.sockets) {
      // Paths name our sockets: the datagram leaves from that socket's source.
      const src = path === 0 ? (this.sockets.has(0) ? this.sourcePath : undefined) : this.sockets.get(path);
      if (src === undefined) { this.sentToNobody++; return; }
      this.outgoing.carry(data, src);
      return;
    }
    // Only the other end's current source path reaches it (after a rebind the old NAT
    // binding is gone; a spoofed source is someone else).
    const arrival = this.peer ? this.peer.arrivalFor(path) : 0;
    if (arrival === undefined) { this.sentToNobody++; return; }
    this.outgoing.carry(data, this.peer?.sockets ? arrival : this.sourcePath);
  }

  /** Where a datagram sent to source path `p` of this end arrives (a local handle), or undefined when no socket of ours has that source. */
  private arrivalFor(p: PathHandle): PathHandle | undefined {
    if (!this.sockets) return p === this.sourcePath ? 0 : undefined;
    if (this.sockets.has(0) && p === this.sourcePath) return 0;
    for (const [local, seen] of this.sockets) if (local !== 0 && seen === p) return local;
    return undefined;
  }

  /** Network: a new local socket to the other end (a migration); the other end sees it as path 1000 + the handle. */
  openPath(_from: PathHandle, _options: PathOptions): Promise<PathHandle> {
    if (this.refuseOpenPath) return Promise.reject(new QuicArgumentError('this DgramEnd refuses to open paths'));
    if (!this.sockets) this.sockets = new Map([[0, this.sourcePath]]);
    const h = this.nextSocket++;
    this.sockets.set(h, 1000 + h);
    return Promise.resolve(h);
  }

  /** Network: after openPath(), a socket whose path is released closes. */
  forgetPath(path: PathHandle): void {
    this.sockets?.delete(path);
  }

  /** This end's open sockets (local handles), after openPath(); [0] before. */
  get openSockets(): PathHandle[] {
    return this.sockets ? [...this.sockets.keys()] : [0];
  }

  /**
   * From now on datagrams from this end arrive at the other end on `path` (NAT rebinding,
   * RFC 9000 §9.3), and the other end reaches this one only on `path`. Datagrams already
   * in flight keep their old source.
   */
  rebind(path: PathHandle): void {
    this.sourcePath = path;
  }

  /** The address set for `path` in `addresses`, or undefined. */
  addressBytes(path: PathHandle): Uint8Array | undefined {
    return this.addresses.get(path);
  }

  /** Delivers `bytes` to this end as if they came from `path` now (an attacker's copy, a spoofed source). */
  inject(bytes: Uint8Array, path: PathHandle): void {
    this.deliver(bytes.slice(), path);
  }

  onReceive(handler: DatagramHandler): void {
    this.handler = handler;
  }

  onError(handler: (err: Error) => void): void {
    this.errorHandler = handler;
  }

  /**
   * Changes the impairments of the direction leaving this end from now on (e.g.
   * `{ pathMtu: 1200 }` opens a black hole for larger datagrams mid-transfer).
   */
  impair(changes: LinkImpairments): void {
    const next = { ...this.outgoing.impairments, ...changes };
    Link.check(next);
    Object.assign(this.outgoing.impairments, changes);
  }

  /** Counters of the direction leaving this end. */
  get counters(): LinkCounters {
    return this.outgoing.counters;
  }

  close(): void {
    this.closed = true;
  }

  /** @internal called by the link at delivery time. */
  deliver(bytes: Uint8Array, path: PathHandle = 0): void {
    const h = this.handler;
    if (!h) return;
    try {
      h(bytes, path);
    } catch (err) {
      // A receive handler that throws must not unwind into the clock's timer loop.
      if (this.errorHandler) this.errorHandler(err as Error);
      else throw err;
    }
  }
}

/** Two ends joined in memory with per-direction impairments. */
export class DgramPair {
  readonly a: DgramEnd;
  readonly b: DgramEnd;

  constructor(options: DgramPairOptions) {
    const prng = new Prng(options.seed ?? 1);
    // Two streams from one seed, so changing one direction's settings does not
    // reshuffle the other direction's history.
    const ab = new Link(options.clock, new Prng(prng.nextU32()), options.aToB ?? {});
    const ba = new Link(options.clock, new Prng(prng.nextU32()), options.bToA ?? {});
    this.a = new DgramEnd(ab);
    this.b = new DgramEnd(ba);
    ab.target = this.b;
    ba.target = this.a;
    this.a.peer = this.b;
    this.b.peer = this.a;
    if (options.recycleBuffers) { ab.recycle(); ba.recycle(); }
    if (options.batchReceives) {
      // A timer at the current instant runs after the deliveries already due at it.
      const clock = options.clock;
      this.a.afterReceives = this.b.afterReceives = (fn) => { clock.setTimer(clock.now(), fn); };
    }
  }
}
