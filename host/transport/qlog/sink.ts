// Where a qlog trace goes. A sink takes JSON-SEQ records (RFC 7464: RS, JSON text, LF)
// and is closed once when the connection is gone. The platform decides what a sink is:
// a file per connection on Node (host/node-qlog.ts), memory in a browser page.

/** Receives one connection's qlog as JSON-SEQ text. */
export interface QlogSink {
  write(record: string): void;
  close(): void;
}

/** What a new trace is about, so that a factory can name its file. */
export interface QlogTraceInfo {
  /** The client's original Destination Connection ID, hex: both ends of a connection share it. */
  odcid: string;
  vantage: 'client' | 'server';
}

/** Makes the sink of each new connection's trace. */
export type QlogSinkFactory = (info: QlogTraceInfo) => QlogSink;

/** Where a trace goes when its sink could not be made: nowhere (qlog is diagnostics, never a reason to fail a connection). */
export const NO_QLOG_SINK: QlogSink = { write: () => undefined, close: () => undefined };

/**
 * qlog settings of an endpoint. `format`: 'ietf' writes the event names of the drafts in
 * ../shared/specs ("quic:packet_sent"); 'qvis' writes the qlog 0.3 names that the qvis
 * visualiser (qvis.quictools.info) reads ("transport:packet_sent").
 */
export interface QlogOptions {
  sink: QlogSinkFactory;
  format?: 'ietf' | 'qvis';
}

/** Keeps each trace in memory (tests, browser pages that offer the qlog as a download). */
export class MemoryQlog {
  readonly traces = new Map<string, { info: QlogTraceInfo; records: string[]; closed: boolean }>();

  readonly factory: QlogSinkFactory = (info) => {
    const entry = { info, records: [] as string[], closed: false };
    this.traces.set(`${info.odcid}_${info.vantage}`, entry);
    return { write: (r) => entry.records.push(r), close: () => { entry.closed = true; } };
  };

  /** The JSON-SEQ text of one trace. */
  text(key: string): string {
    return (this.traces.get(key)?.records ?? []).join('');
  }
}
