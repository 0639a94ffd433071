// One HTTP/3 connection over a QuicConnection (RFC 9114 §3.2, §6): our control
// stream with SETTINGS, our QPACK encoder and decoder streams, the peer's
// unidirectional streams by type, GOAWAY, and connection errors. Request streams are
// handed to the client or server code (client.ts, server.ts); this file knows nothing
// about requests.
//
// Extensions: settings we do not know are kept in `peerSettings` and otherwise
// ignored; `extraSettings` adds ours (extended CONNECT, H3 datagrams); stream types we
// do not know go to `onUnknownUniStream` first and are refused (STOP_SENDING) only if
// nobody takes them — the shape WebTransport over HTTP/3 needs.

import type { QuicConnection } from '../transport/connection';
import type { QuicStream } from '../transport/stream';
import { QuicArgumentError, QuicError } from '../errors';
import { describe } from '../api/options';
import { H3Error, H3ErrorCode } from './errors';
import { decodeGoaway, decodeSettings, encodeFrame, encodeSettings, FrameType, RESERVED_H2_FRAME_TYPES, SettingId, StreamType, type Settings } from './frames';
import { QpackDecoder, type FieldLine } from './qpack/decoder';
import { StreamReader } from './stream-reader';
import { varint } from '../transport/varint';

/** HTTP/3 settings of one side: QPACK table capacity and blocked streams, header size, request limits. */
export interface H3Options {
  /** SETTINGS_QPACK_MAX_TABLE_CAPACITY we advertise (default 4096; 0 turns the peer's dynamic table off). */
  maxTableCapacity?: number;
  /** SETTINGS_QPACK_BLOCKED_STREAMS we advertise (default 16). */
  maxBlockedStreams?: number;
  /** SETTINGS_MAX_FIELD_SECTION_SIZE we advertise and enforce (default 64 KiB). */
  maxFieldSectionSize?: number;
  /** More settings to send (ids from extensions, e.g. SettingId.ENABLE_CONNECT_PROTOCOL). */
  extraSettings?: Settings;
  /** A unidirectional stream of a type this layer does not know: return true to take it. */
  onUnknownUniStream?: (type: number, stream: QuicStream, reader: StreamReader) => boolean;
}

/**
 * H3Options checked where they are given (serveH3, H3Client.connect, H3Connection): the
 * three sizes go into SETTINGS as varints, so each must be an integer ≥ 0 (a string or
 * -1 would otherwise fail inside every connection's SETTINGS encoding, after listen()).
 */
export function checkH3Options(o: unknown, what = 'h3'): asserts o is H3Options | undefined {
  if (o === undefined) return;
  if (typeof o !== 'object' || o === null) throw new QuicArgumentError(`${what} must be an object of HTTP/3 options, not ${describe(o)}`);
  for (const key of ['maxTableCapacity', 'maxBlockedStreams', 'maxFieldSectionSize'] as const) {
    const v = (o as H3Options)[key];
    if (v !== undefined && !(Number.isSafeInteger(v) && v >= 0)) throw new QuicArgumentError(`${what}.${key} must be an integer ≥ 0, not ${describe(v)}`);
  }
  const unknownUni = (o as H3Options).onUnknownUniStream;
  if (unknownUni !== undefined && typeof unknownUni !== 'function') throw new QuicArgumentError(`${what}.onUnknownUniStream must be a function, not ${describe(unknownUni)}`);
}

/** Largest control-stream frame we read whole (SETTINGS, GOAWAY, ...). */
const MAX_CONTROL_FRAME = 16 * 1024;

/** One HTTP/3 connection over a QUIC connection (RFC 9114): control and QPACK streams, SETTINGS, GOAWAY, request streams. */
export class H3Connection {
  readonly decoder: QpackDecoder;
  /** The peer's SETTINGS, once its control stream delivered them. */
  readonly peerSettings: Promise<Settings>;
  /** The peer's SETTINGS once received (null before). */
  peerSettingsReceived: Settings | null = null;
  /** The stream id (from a server) or push id (from a client) of the last GOAWAY received. */
  goawayReceived: number | null = null;
  /** Called with the error that ended this HTTP/3 connection (protocol errors only). */
  onError: ((err: Error) => void) | null = null;
  /** Server: a new request stream. Client: a server-initiated bidi stream (an extension's; refused if unset). */
  onBidiStream: ((stream: QuicStream) => void) | null = null;
  /** Called when the peer sends GOAWAY. */
  onGoaway: ((id: number) => void) | null = null;
  readonly maxFieldSectionSize: number;
  private resolveSettings!: (s: Settings) => void;
  private rejectSettings!: (e: Error) => void;
  private control: QuicStream | null = null;
  private decoderStream: QuicStream | null = null;
  private readonly peerCritical = new Set<number>();
  private failed = false;

  constructor(readonly quic: QuicConnection, readonly isServer: boolean, private readonly opts: H3Options = {}) {
    checkH3Options(opts);
    this.maxFieldSectionSize = opts.maxFieldSectionSize ?? 64 * 1024;
    this.decoder = new QpackDecoder({
      maxTableCapacity: opts.maxTableCapacity ?? 4096,
      maxBlockedStreams: opts.maxBlockedStreams ?? 16,
      maxFieldSectionSize: this.maxFieldSectionSize,
    });
    this.peerSettings = new Promise((res, rej) => { this.resolveSettings = res; this.rejectSettings = rej; });
    this.peerSettings.catch(() => undefined);
    quic.closed.then(() => {
      const err = new QuicError('ERR_QUIC_CONNECTION_CLOSED', 'the QUIC connection closed');
      this.rejectSettings(err);
      this.decoder.close(err);
    });
  }

  /** Opens our control, QPACK encoder and decoder streams (RFC 9114 §6.2) and starts accepting the peer's streams. */
  async start(): Promise<void> {
    const settings: Settings = new Map([
      [SettingId.QPACK_MAX_TABLE_CAPACITY, this.decoder.table.maxCapacity],
      [SettingId.QPACK_BLOCKED_STREAMS, this.opts.maxBlockedStreams ?? 16],
      [SettingId.MAX_FIELD_SECTION_SIZE, this.maxFieldSectionSize],
    ]);
    for (const [id, v] of this.opts.extraSettings ?? []) settings.set(id, v);
    // A grease setting (RFC 9114 §7.2.4.1) keeps peers honest about ignoring unknown ids.
    settings.set(0x1f * Math.floor(Math.random() * 1000) + 0x21, 0);
    this.control = await this.quic.openStreamAsync({ unidirectional: true, urgency: 0 });
    void this.control.write(new Uint8Array([StreamType.CONTROL, ...encodeSettings(settings)])).catch(() => undefined);
    const encoder = await this.quic.openStreamAsync({ unidirectional: true, urgency: 0 });
    void encoder.write(Uint8Array.of(StreamType.QPACK_ENCODER)).catch(() => undefined); // static table only: nothing more
    this.decoderStream = await this.quic.openStreamAsync({ unidirectional: true, urgency: 0 });
    void this.decoderStream.write(Uint8Array.of(StreamType.QPACK_DECODER)).catch(() => undefined);
    void this.acceptLoop();
  }

  /** Decodes a field section from a request stream, then sends any decoder-stream acknowledgment. */
  async decodeFields(streamId: number, section: Uint8Array): Promise<FieldLine[]> {
    const lines = await this.decoder.decode(streamId, section);
    this.flushDecoder();
    return lines;
  }

  /** The peer's SETTINGS_MAX_FIELD_SECTION_SIZE (RFC 9114 §4.2.2), Infinity until known or when unset. */
  get peerMaxFieldSectionSize(): number {
    return this.peerSettingsReceived?.get(SettingId.MAX_FIELD_SECTION_SIZE) ?? Infinity;
  }

  /** Sends GOAWAY (RFC 9114 §5.2): a server passes the first request stream id it will not process. */
  goaway(id: number): void {
    if (!this.control) return;
    void this.control.write(encodeFrame(FrameType.GOAWAY, varint(id))).catch(() => undefined);
  }

  /** Ends the connection with an HTTP/3 connection error. */
  fail(err: H3Error): void {
    if (this.failed) return;
    this.failed = true;
    this.onError?.(err);
    void this.quic.close(err.quicCode ?? H3ErrorCode.H3_GENERAL_PROTOCOL_ERROR, err.message.slice(0, 200), { graceful: false });
  }

  /** Closes gracefully with H3_NO_ERROR. */
  close(): Promise<unknown> {
    return this.quic.close(H3ErrorCode.H3_NO_ERROR, '');
  }

  /** Routes a failure from a stream task: H3 errors end the connection, transport ones are already handled. */
  handleError(err: unknown): void {
    if (err instanceof H3Error) this.fail(err);
  }

  private flushDecoder(): void {
    const bytes = this.decoder.takeDecoderStreamBytes();
    if (bytes.length && this.decoderStream) void this.decoderStream.write(bytes).catch(() => undefined);
  }

  private async acceptLoop(): Promise<void> {
    for (;;) {
      let s: QuicStream;
      try { s = await this.quic.acceptStream(); } catch { return; }
      if (s.unidirectional) {
        this.uniStream(s).catch((e) => this.streamTaskFailed(e));
      } else if (this.onBidiStream) {
        this.onBidiStream(s);
      } else {
        // RFC 9114 §6.1: a server-initiated bidi stream without an extension that allows it.
        this.fail(new H3Error('H3_STREAM_CREATION_ERROR', 'the server opened a bidirectional stream'));
      }
    }
  }

  private streamTaskFailed(e: unknown): void {
    if (this.quic.closeInfo) return; // the connection is gone: reads failing is expected
    if (e instanceof H3Error) return this.fail(e);
    // A critical stream was reset or stopped (RFC 9114 §6.2.1).
    this.fail(new H3Error('H3_CLOSED_CRITICAL_STREAM', `a critical stream failed: ${(e as Error)?.message ?? e}`));
  }

  private async uniStream(s: QuicStream): Promise<void> {
    const r = new StreamReader(s);
    const type = await r.varint(new H3Error('H3_STREAM_CREATION_ERROR', 'stream ended inside its type'));
    if (type === null) return; // an empty stream: nothing to do
    const critical = type === StreamType.CONTROL || type === StreamType.QPACK_ENCODER || type === StreamType.QPACK_DECODER;
    if (critical) {
      if (this.peerCritical.has(type)) throw new H3Error('H3_STREAM_CREATION_ERROR', `a second stream of type ${type}`);
      this.peerCritical.add(type);
    }
    switch (type) {
      case StreamType.CONTROL: return this.controlStream(r);
      case StreamType.QPACK_ENCODER: return this.encoderStream(r);
      case StreamType.QPACK_DECODER: return this.drainCritical(r);
      case StreamType.PUSH:
        // We never send MAX_PUSH_ID, so a push stream is an error (RFC 9114 §4.6); from a client it is never allowed.
        throw new H3Error(this.isServer ? 'H3_STREAM_CREATION_ERROR' : 'H3_ID_ERROR', 'push stream without MAX_PUSH_ID');
      default:
        if (this.opts.onUnknownUniStream?.(type, s, r)) return;
        s.stopSending(H3ErrorCode.H3_STREAM_CREATION_ERROR); // RFC 9114 §6.2: unknown types are ignored
    }
  }

  private async controlStream(r: StreamReader): Promise<void> {
    const closed = new H3Error('H3_CLOSED_CRITICAL_STREAM', 'the peer closed its control stream');
    let first = true;
    for (;;) {
      const f = await r.frameHeader();
      if (!f) throw closed;
      if (first && f.type !== FrameType.SETTINGS) throw new H3Error('H3_MISSING_SETTINGS', 'the control stream must start with SETTINGS');
      const known = f.type === FrameType.SETTINGS || f.type === FrameType.GOAWAY || f.type === FrameType.MAX_PUSH_ID || f.type === FrameType.CANCEL_PUSH;
      if (f.type === FrameType.DATA || f.type === FrameType.HEADERS || f.type === FrameType.PUSH_PROMISE || RESERVED_H2_FRAME_TYPES.has(f.type)) {
        throw new H3Error('H3_FRAME_UNEXPECTED', `frame type 0x${f.type.toString(16)} on the control stream`);
      }
      if (!known) { await r.skip(f.length); continue; } // unknown and grease frames are ignored (§9)
      if (f.length > MAX_CONTROL_FRAME) throw new H3Error('H3_EXCESSIVE_LOAD', `control frame of ${f.length} bytes`);
      const payload = await r.exact(f.length);
      if (f.type === FrameType.SETTINGS) {
        if (!first) throw new H3Error('H3_FRAME_UNEXPECTED', 'a second SETTINGS frame');
        this.peerSettingsReceived = decodeSettings(payload);
        this.resolveSettings(this.peerSettingsReceived);
      } else if (f.type === FrameType.GOAWAY) {
        const id = decodeGoaway(payload);
        // §5.2: from a server it is a client-initiated bidi stream id; it may only decrease.
        if (!this.isServer && id % 4 !== 0) throw new H3Error('H3_ID_ERROR', `GOAWAY with stream id ${id}`);
        if (this.goawayReceived !== null && id > this.goawayReceived) throw new H3Error('H3_ID_ERROR', 'GOAWAY id increased');
        this.goawayReceived = id;
        this.onGoaway?.(id);
      } else if (f.type === FrameType.MAX_PUSH_ID && !this.isServer) {
        throw new H3Error('H3_FRAME_UNEXPECTED', 'MAX_PUSH_ID from a server');
      }
      first = false;
    }
  }

  private async encoderStream(r: StreamReader): Promise<void> {
    for (let c = await r.chunk(); c; c = await r.chunk()) {
      this.decoder.encoderStreamData(c);
      this.flushDecoder();
    }
    throw new H3Error('H3_CLOSED_CRITICAL_STREAM', 'the peer closed its QPACK encoder stream');
  }

  private async drainCritical(r: StreamReader): Promise<void> {
    // Our encoder never inserts, so the peer's decoder has nothing to acknowledge.
    for (let c = await r.chunk(); c; c = await r.chunk()) { /* ignored */ }
    throw new H3Error('H3_CLOSED_CRITICAL_STREAM', 'the peer closed its QPACK decoder stream');
  }
}
