// QUIC frames as qlog objects (draft-ietf-quic-qlog-quic-events, "QUIC Frames"). The
// frames come from the core's own decoder (host/core/wire-frames.ts), so qlog shows
// exactly what the core parsed or built; this file only names the fields.

import type { DecodedFrame } from '../../core/wire-frames';
import { transportErrorName } from '../../errors';
import { FrameType } from '../../core/abi.generated';
import { toHex as hex } from '../../tls/bytes';

export type QlogObject = Record<string, unknown>;

const n = (v: bigint): number => Number(v);

/** A transport error code as qlog names it ("flow_control_error", "crypto_error_0x12a", ...). */
export function qlogTransportError(code: number): { error: string; error_code?: number } {
  if (code >= 0x100 && code <= 0x1ff) return { error: `crypto_error_0x${code.toString(16)}` };
  const name = transportErrorName(code);
  return name.startsWith('0x') ? { error: 'unknown', error_code: code } : { error: name.toLowerCase() };
}

/** Application error codes have no names at the transport layer. */
const appError = (code: bigint) => ({ error: 'unknown', error_code: n(code) });

/**
 * One frame. `ackDelayExponent` is the sender's (RFC 9000 §18.2): ours for frames we
 * send, the peer's for frames we receive.
 */
export function qlogFrame(f: DecodedFrame, ackDelayExponent: number): QlogObject {
  const t = f.type;
  if (t === FrameType.PADDING) return { frame_type: 'padding', raw: { length: n(f.a), payload_length: n(f.a) } };
  if (t === FrameType.PING) return { frame_type: 'ping' };
  if (t === FrameType.ACK || t === FrameType.ACK_ECN) {
    const out: QlogObject = {
      frame_type: 'ack',
      ack_delay: (n(f.b) * 2 ** ackDelayExponent) / 1000,
      // The core lists ranges highest first; qlog allows any order, ascending reads best.
      acked_ranges: (f.ranges ?? []).map(([lo, hi]) => (lo === hi ? [n(lo)] : [n(lo), n(hi)])).reverse(),
    };
    if (f.flag) Object.assign(out, { ect0: n(f.ecn[0]), ect1: n(f.ecn[1]), ce: n(f.ecn[2]) });
    return out;
  }
  if (t === FrameType.RESET_STREAM) return { frame_type: 'reset_stream', stream_id: n(f.a), ...appError(f.b), final_size: n(f.c) };
  if (t === FrameType.STOP_SENDING) return { frame_type: 'stop_sending', stream_id: n(f.a), ...appError(f.b) };
  if (t === FrameType.CRYPTO) return { frame_type: 'crypto', offset: n(f.b), length: f.data.length, raw: { length: f.data.length } };
  if (t === FrameType.NEW_TOKEN) return { frame_type: 'new_token', token: { raw: { data: hex(f.data), length: f.data.length } } };
  if (t >= FrameType.STREAM && t <= FrameType.STREAM_MAX) {
    // `length` is qvis's name (qlog 0.3); the draft puts it in raw.length. Both are cheap.
    return { frame_type: 'stream', stream_id: n(f.a), offset: n(f.b), length: f.data.length, fin: f.flag, raw: { length: f.data.length } };
  }
  if (t === FrameType.MAX_DATA) return { frame_type: 'max_data', maximum: n(f.a) };
  if (t === FrameType.MAX_STREAM_DATA) return { frame_type: 'max_stream_data', stream_id: n(f.a), maximum: n(f.b) };
  if (t === FrameType.MAX_STREAMS_BIDI || t === FrameType.MAX_STREAMS_UNI) return { frame_type: 'max_streams', stream_type: t === FrameType.MAX_STREAMS_BIDI ? 'bidirectional' : 'unidirectional', maximum: n(f.a) };
  if (t === FrameType.DATA_BLOCKED) return { frame_type: 'data_blocked', limit: n(f.a) };
  if (t === FrameType.STREAM_DATA_BLOCKED) return { frame_type: 'stream_data_blocked', stream_id: n(f.a), limit: n(f.b) };
  if (t === FrameType.STREAMS_BLOCKED_BIDI || t === FrameType.STREAMS_BLOCKED_UNI) return { frame_type: 'streams_blocked', stream_type: t === FrameType.STREAMS_BLOCKED_BIDI ? 'bidirectional' : 'unidirectional', limit: n(f.a) };
  if (t === FrameType.NEW_CONNECTION_ID) {
    return { frame_type: 'new_connection_id', sequence_number: n(f.a), retire_prior_to: n(f.b), connection_id_length: f.data.length, connection_id: hex(f.data), stateless_reset_token: hex(f.token) };
  }
  if (t === FrameType.RETIRE_CONNECTION_ID) return { frame_type: 'retire_connection_id', sequence_number: n(f.a) };
  if (t === FrameType.PATH_CHALLENGE || t === FrameType.PATH_RESPONSE) return { frame_type: t === FrameType.PATH_CHALLENGE ? 'path_challenge' : 'path_response', data: hex(f.token) };
  if (t === FrameType.CONNECTION_CLOSE || t === FrameType.CONNECTION_CLOSE_APP) {
    const transport = t === FrameType.CONNECTION_CLOSE;
    const reason = new TextDecoder('utf-8', { fatal: false }).decode(f.data);
    return {
      frame_type: 'connection_close',
      error_space: transport ? 'transport' : 'application',
      ...(transport ? qlogTransportError(n(f.a)) : appError(f.a)),
      reason,
      ...(transport && f.b !== 0n ? { trigger_frame_type: n(f.b) } : {}),
    };
  }
  if (t === FrameType.HANDSHAKE_DONE) return { frame_type: 'handshake_done' };
  if (t === FrameType.DATAGRAM || t === FrameType.DATAGRAM_LEN) return { frame_type: 'datagram', length: f.data.length, raw: { length: f.data.length } };
  return { frame_type: 'unknown', frame_type_bytes: t };
}
