// The pump: the one place where the sans-IO core meets a network and a clock
// (ARCHITECTURE.md §1). Datagrams in → handleDatagram; then, until nothing moves:
// drain events (handed to the endpoint), send every datagram the core wants to send,
// and keep exactly one timer armed at the core's earliest deadline.

import type { Clock } from './clock';
import type { Network } from '../net/network';
import { EventKind, type ConnAbi, type CoreEvent } from '../core/conn-abi';

/** What the pump hands events and fatal errors to (the endpoint). */
export interface PumpListener {
  onCoreEvent(ev: CoreEvent): void;
  /** The core trapped or a handler threw: the endpoint tears down. */
  onFatal(err: Error): void;
  /** A service round ended: the core is idle until the next input. */
  onIdle?(): void;
}

/** Datagrams sent per service() before yielding to the event loop (lets receives in). */
const MAX_BURST = 512;

/** Counters a benchmark or a test can read. */
export interface PumpCounters {
  datagramsIn: number;
  datagramsOut: number;
  bytesIn: number;
  bytesOut: number;
  datagramsRejected: number;
}

export class CorePump {
  /**
   * Over a network that marks its batches (Network.afterReceives: node:dgram), hand every
   * datagram to the core and its events to the endpoint as it arrives, but transmit and
   * re-arm the timer once per batch, after the event loop's poll phase has delivered
   * everything the socket had (libuv reads up to 32 datagrams per wake-up): one ACK and
   * one flush per batch instead of one per datagram. The in-memory pair and the simulator service
   * per datagram. A switch so that bench/bulk-udp.ts can measure both in one run.
   */
  static batchReceives = true;
  readonly counters: PumpCounters = { datagramsIn: 0, datagramsOut: 0, bytesIn: 0, bytesOut: 0, datagramsRejected: 0 };
  private readonly batching: boolean;
  private batchScheduled = false;
  /** A serviceSoon() round is scheduled (the application's writes of this turn join it). */
  private soonScheduled = false;
  /**
   * STREAM_READABLE events of this batch, one per stream, handed on at its end (or before
   * any other event, so that the order against a reset or a close stays): the stream is
   * then read once per wake-up in chunks of up to the scratch region, instead of once per
   * datagram — at 1200 bytes, 30 times fewer reads, promise turns and copies out.
   */
  private heldReadable: CoreEvent[] = [];
  /** Paths of this batch's datagrams: checked once the batch is serviced (forgetIfUnused). */
  private unclaimed: number[] = [];
  private timer: unknown = null;
  private timerAt = Infinity;
  private servicing = false;
  private again = false;
  private stopped = false;
  private yieldTimer: unknown = null;

  constructor(
    private readonly abi: ConnAbi,
    private readonly network: Network,
    private readonly clock: Clock,
    private readonly listener: PumpListener,
  ) {
    this.batching = CorePump.batchReceives && typeof network.afterReceives === 'function';
    network.onReceive((data, path) => this.receive(data, path));
  }

  /** Feeds one datagram to the core and services it. */
  receive(data: Uint8Array, path: number): void {
    if (this.stopped) return;
    this.counters.datagramsIn++;
    this.counters.bytesIn += data.length;
    if (data.length > this.abi.core.rxCapacity) { this.counters.datagramsRejected++; return; }
    let r: number;
    try {
      r = this.abi.handleDatagram(data, path, this.clock.now());
      if (r < 0) this.counters.datagramsRejected++;
    } catch (err) {
      return this.fatal(err);
    }
    if (this.batching) {
      // Events are handled at once (TLS installs the keys the next datagram of the batch
      // may need; a packet the core cannot open yet is only buffered a few deep), the
      // transmissions and the timer once per batch.
      try { this.drainEvents(true); } catch (err) { return this.fatal(err); }
      // Any datagram's path, not only one no connection took: a connection may have been
      // reached from a new address it did not adopt (§9.3). Checked once the batch is serviced.
      if (this.network.forgetPath && this.unclaimed[this.unclaimed.length - 1] !== path) this.unclaimed.push(path);
      if (!this.batchScheduled) {
        this.batchScheduled = true;
        this.network.afterReceives!(() => this.endBatch());
      }
      return;
    }
    this.service();
    this.forgetIfUnused(path);
  }

  private endBatch(): void {
    this.batchScheduled = false;
    if (this.stopped) return;
    try { this.releaseReadable(); } catch (err) { return this.fatal(err); }
    this.service();
    const paths = this.unclaimed;
    this.unclaimed = [];
    for (const p of paths) this.forgetIfUnused(p);
  }

  /**
   * After a datagram (junk, answered statelessly, or one from a new address a connection
   * did not adopt — RFC 9000 §9.3) and the service round that answered it: if nothing in
   * the core refers to its path, the network may forget the address, so a flood from
   * many sources leaves no entries.
   */
  private forgetIfUnused(path: number): void {
    if (this.network.forgetPath && !this.stopped && this.abi.pathInUse(path) === 0) this.network.forgetPath(path);
  }

  /**
   * Services the core after the application's current turn, where the network marks turns
   * (afterReceives): stream writes made in one turn then go out together, in full packets.
   * Serviced at once, a loop of 64 KiB writes sent each write's tail as a packet of its own
   * — half of all packets at 64 KiB datagrams, ≈ 20 % of the sender's CPU. Elsewhere (the
   * simulator's seeded runs, Deno's sockets) it services now, as service() does.
   */
  serviceSoon(): void {
    if (this.stopped) return;
    if (this.servicing) { this.again = true; return; }
    if (!this.batching) return this.service();
    if (this.soonScheduled || this.batchScheduled) return; // a round is coming
    this.soonScheduled = true;
    this.network.afterReceives!(() => {
      this.soonScheduled = false;
      this.service();
    });
  }

  /**
   * Runs the core until it is quiet: events, transmissions, timer. Safe to call from
   * inside an event handler (the outer loop runs once more instead of recursing).
   */
  service(): void {
    if (this.stopped) return;
    if (this.servicing) { this.again = true; return; }
    this.servicing = true;
    try {
      let budget = MAX_BURST;
      do {
        this.again = false;
        this.drainEvents();
        budget -= this.flush(budget);
        this.drainEvents();
      } while (this.again && budget > 0);
      if (budget <= 0) this.yieldThenService();
      this.arm();
    } catch (err) {
      this.fatal(err);
    } finally {
      this.servicing = false;
    }
    // Outside the round, so that what the listener queues (a CONNECTION_CLOSE) is sent
    // by a service() call of its own.
    if (!this.stopped) {
      try { this.listener.onIdle?.(); } catch (err) { this.fatal(err); }
    }
  }

  /** Stops timers and ignores further input. */
  stop(): void {
    this.stopped = true;
    this.heldReadable = [];
    if (this.timer !== null) this.clock.clearTimer(this.timer);
    if (this.yieldTimer !== null) this.clock.clearTimer(this.yieldTimer);
    this.timer = this.yieldTimer = null;
  }

  /** Hands the core's events on; `holdReads`: STREAM_READABLE waits for the batch's end. */
  private drainEvents(holdReads = false): void {
    if (!holdReads) this.releaseReadable();
    for (let ev = this.abi.pollEvent(); ev; ev = this.abi.pollEvent()) {
      if (holdReads && ev.kind === EventKind.STREAM_READABLE) {
        const held = this.heldReadable;
        let i = 0;
        while (i < held.length && (held[i].conn !== ev.conn || held[i].a !== ev.a)) i++;
        if (i === held.length) held.push(ev);
        continue;
      }
      this.releaseReadable();
      this.listener.onCoreEvent(ev);
    }
  }

  private releaseReadable(): void {
    if (this.heldReadable.length === 0) return;
    const held = this.heldReadable;
    this.heldReadable = [];
    for (const ev of held) this.listener.onCoreEvent(ev);
  }

  /** Sends up to `budget` datagrams; returns how many were sent. */
  private flush(budget: number): number {
    let sent = 0;
    const now = this.clock.now();
    while (sent < budget) {
      const tx = this.abi.pollTransmit(now);
      if (!tx) break;
      this.counters.datagramsOut++;
      this.counters.bytesOut += tx.data.length;
      this.network.send(tx.data, tx.path);
      sent++;
    }
    if (sent === budget) this.again = true;
    return sent;
  }

  private yieldThenService(): void {
    if (this.yieldTimer !== null) return;
    this.yieldTimer = this.clock.setTimer(this.clock.now(), () => {
      this.yieldTimer = null;
      this.service();
    });
  }

  private arm(): void {
    const at = this.abi.pollTimeout();
    if (at === this.timerAt) return;
    if (this.timer !== null) this.clock.clearTimer(this.timer);
    this.timer = null;
    this.timerAt = at;
    if (!Number.isFinite(at)) return;
    this.timer = this.clock.setTimer(at, () => {
      this.timer = null;
      this.timerAt = Infinity;
      if (this.stopped) return;
      try {
        this.abi.handleTimeout(this.clock.now());
      } catch (err) {
        return this.fatal(err);
      }
      this.service();
    });
  }

  private fatal(err: unknown): void {
    const e = err instanceof WebAssembly.RuntimeError ? this.abi.core.abortError(err) : (err as Error);
    this.stop();
    this.listener.onFatal(e);
  }
}
