// The door between a connection's QuicStream objects and the core (StreamOwner): writes
// offered to the core's send buffers, resets, STOP_SENDING, urgency, reads pulled from
// the core while a stream has room, and the core's per-stream events. It holds the
// connection's StreamTable; the connection only routes those events to it and says
// whether it is still open.

import type { StreamOwner } from './stream';
import { StreamTable } from './stream-table';
import { clockTimers } from '../api/abort';
import type { ConnectionEvents, ConnectionHost } from './connection-types';
import { EventKind, type CoreEvent } from '../core/conn-abi';
import type { TypedEvents } from '../api/events';

/** What the link asks of its connection. */
export interface StreamConnection {
  /** The core's connection handle. */
  readonly handle: number;
  /** False once the connection has ended: calls into the core stop. */
  isOpen(): boolean;
  /** False once close() was called: later writes are refused. */
  acceptsWrites(): boolean;
}

export class ConnectionStreams implements StreamOwner {
  readonly table: StreamTable;
  private timerFns?: ReturnType<typeof clockTimers>;

  constructor(
    private readonly host: ConnectionHost,
    private readonly conn: StreamConnection,
    /** Bytes of received data buffered per stream before reading pauses. */
    highWaterMark: number,
  ) {
    this.table = new StreamTable(this, highWaterMark);
  }

  acceptsWrites(): boolean {
    return this.conn.acceptsWrites();
  }

  streamTimers() {
    return (this.timerFns ??= clockTimers(this.host.clock)); // one object, not one per read()
  }

  streamWrite(id: number, data: Uint8Array, fin: boolean): number {
    if (!this.conn.isOpen()) return -1;
    let total = 0;
    // The ABI moves one scratch region per call: loop until the core stops taking bytes.
    for (;;) {
      const rest = data.subarray(total);
      const n = this.host.abi.streamWrite(this.conn.handle, id, rest, fin);
      if (n < 0) return n;
      total += n;
      if (n === 0 || total === data.length) break;
    }
    this.host.serviceSoon(); // the rest of this turn's writes go in the same packets
    return total;
  }

  streamReset(id: number, code: number): void {
    if (!this.conn.isOpen()) return;
    this.host.abi.streamReset(this.conn.handle, id, code);
    this.host.service();
  }

  streamStopSending(id: number, code: number): void {
    if (!this.conn.isOpen()) return;
    this.host.abi.streamStopSending(this.conn.handle, id, code);
    this.host.service();
  }

  streamSetUrgency(id: number, urgency: number): void {
    if (!this.conn.isOpen()) return;
    this.host.abi.streamSetUrgency(this.conn.handle, id, urgency);
  }

  streamWantsData(id: number): void {
    if (!this.conn.isOpen()) return;
    this.pull(id);
    this.host.service();
  }

  /**
   * Moves readable bytes of stream `id` from the core into its QuicStream: straight into
   * the buffer of a waiting readInto(), else as chunks while the stream has room (or,
   * with `everything`, until the core has none left).
   */
  pull(id: number, everything = false): void {
    const s = this.table.obtain(id);
    for (;;) {
      const into = s.waitingBuffer;
      if (into) {
        const r = this.host.abi.streamReadInto(this.conn.handle, id, into);
        if (typeof r === 'number') break;
        s.filledWaiting(r.n, r.fin);
        if (r.fin || !r.more) break;
        continue;
      }
      if (!everything && s.receiveRoom <= 0) break;
      const r = this.host.abi.streamRead(this.conn.handle, id);
      if (typeof r === 'number') break; // stream gone or reset: a RESET event says why
      s.pushData(r.data, r.fin);
      // A read that did not fill its room took everything: asking again would cost a call
      // and an empty read per packet (half of all reads in a bulk transfer were empty).
      if (r.fin || !r.more) break;
    }
  }

  /**
   * The connection is ending: bytes that streams read with readInto() left in the core
   * come out as chunks now, before the core forgets the connection (what arrived stays
   * readable, as it does for streams that took it already).
   */
  takeHeldData(): void {
    if (!this.conn.isOpen()) return;
    try {
      for (const s of this.table.all()) if (s.holdsDataInCore) this.pull(s.id, true);
    } catch (err) {
      // The endpoint is failing because the core trapped: it cannot be asked again, and
      // the reads fail with the endpoint's error. Anything else is a bug: let it show.
      if (!(err instanceof WebAssembly.RuntimeError)) throw err;
    }
  }

  /** A STREAM_* event of the core (not STREAMS_AVAILABLE: the connection keeps that without a table). */
  onStreamEvent(ev: CoreEvent, events: TypedEvents<ConnectionEvents> | null): void {
    const t = this.table;
    if (ev.kind === EventKind.STREAM_OPENED) {
      const s = t.obtain(ev.a);
      if (ev.b === 1) s.early = true;
      t.peerOpened(s);
      events?.emit('stream', s);
      return;
    }
    if (ev.kind === EventKind.STREAM_READABLE) return this.pull(ev.a);
    const stream = t.get(ev.a);
    if (!stream) return;
    switch (ev.kind) {
      case EventKind.STREAM_WRITABLE:
        stream.pumpWrites();
        return;
      case EventKind.STREAM_RESET:
        stream.onPeerReset(ev.b);
        events?.emit('streamupdate', { stream, state: 'reset', code: ev.b });
        return;
      case EventKind.STREAM_STOP_SENDING:
        stream.onPeerStopSending(ev.b);
        events?.emit('streamupdate', { stream, state: 'stopsending', code: ev.b });
        return;
      case EventKind.STREAM_FINISHED:
        stream.onFinished();
        events?.emit('streamupdate', { stream, state: 'finished' });
        return;
    }
  }
}
