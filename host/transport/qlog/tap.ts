// The endpoint's qlog: binds the core's qlogPacket import, keeps one trace per
// connection handle, and flushes traces when the pump has finished a round (the core
// is idle then, so frames can be decoded with it).

import type { Core, CoreImports } from '../../core/core';
import { WireFrames } from '../../core/wire-frames';
import { QlogTrace, type PacketRecord } from './trace';
import { NO_QLOG_SINK, type QlogOptions, type QlogSink, type QlogTraceInfo } from './sink';

export class QlogTap {
  private core: Core | null = null;
  private frames: WireFrames | null = null;
  private readonly traces = new Map<number, QlogTrace>();
  /** Records of connections the host has not adopted yet (a server's first Initial). */
  private readonly orphans = new Map<number, PacketRecord[]>();

  constructor(private readonly options: QlogOptions) {}

  /** The import object to merge into the core's imports. */
  imports(): CoreImports {
    return { host: { qlogPacket: (conn: number, rec: number, payload: number, len: number) => this.onPacket(conn, rec, payload, len) } };
  }

  /** Call once the core is instantiated. */
  bind(core: Core): void {
    this.core = core;
    this.frames = new WireFrames(core);
  }

  /** Starts the trace of a connection the endpoint adopted. */
  open(conn: number, info: QlogTraceInfo): QlogTrace {
    let sink: QlogSink;
    try {
      sink = this.options.sink(info);
    } catch {
      sink = NO_QLOG_SINK; // an application's factory that throws must not take the connection with it
    }
    const trace = new QlogTrace(sink, info, this.options.format ?? 'ietf');
    this.traces.set(conn, trace);
    for (const rec of this.orphans.get(conn) ?? []) trace.queuePacket(rec);
    this.orphans.delete(conn);
    return trace;
  }

  trace(conn: number): QlogTrace | undefined {
    return this.traces.get(conn);
  }

  /** parameters_set from encoded transport parameters (ours, or the peer's as TLS delivered them). */
  transportParameters(conn: number, timeUs: number, initiator: 'local' | 'remote', bytes: Uint8Array, fromServer: boolean): void {
    const t = this.traces.get(conn);
    if (!t || !this.frames) return;
    const tp = this.frames.decodeTransportParameters(bytes, fromServer);
    if (typeof tp !== 'number') t.parametersSet(timeUs, initiator, tp);
  }

  /** Ends a connection's trace (its handle may be reused after this). */
  close(conn: number, timeUs: number, how: Parameters<QlogTrace['close']>[1]): void {
    const t = this.traces.get(conn);
    if (!t || !this.frames) return;
    this.traces.delete(conn);
    t.close(timeUs, how, this.frames);
  }

  /** Writes every queued packet event. Only while the core is idle. */
  flush(): void {
    if (!this.frames) return;
    for (const t of this.traces.values()) t.flush(this.frames);
    this.orphans.clear(); // never adopted (refused): nothing will read them
  }

  // Runs inside a core call: copy what is needed, decode later.
  private onPacket(conn: number, rec: number, payload: number, len: number): void {
    const core = this.core;
    if (!core) return;
    try {
      const v = core.view;
      const r: PacketRecord = {
        kind: v.getUint8(rec),
        space: v.getUint8(rec + 1),
        trigger: v.getUint8(rec + 2),
        size: v.getUint32(rec + 4, true),
        pn: v.getFloat64(rec + 8, true),
        timeUs: v.getFloat64(rec + 16, true),
        metrics: new Float64Array(8),
        payload: len > 0 ? core.u8.slice(payload, payload + len) : null,
      };
      for (let i = 0; i < 8; i++) r.metrics[i] = v.getFloat64(rec + 24 + 8 * i, true);
      const t = this.traces.get(conn);
      if (t) t.queuePacket(r);
      else {
        const list = this.orphans.get(conn) ?? [];
        list.push(r);
        this.orphans.set(conn, list);
      }
    } catch {
      // An exception must not unwind through the core mid-packet; a lost qlog line is the lesser harm.
    }
  }
}
