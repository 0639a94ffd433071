// One connection's qlog trace (draft-ietf-quic-qlog-main-schema, QlogFileSeq): a header
// record, then one record per event. Packet events come from the core's taps
// (assembly/conn/qlog.ts) and are decoded after the core call that produced them
// returns (decoding uses the core, which must not be re-entered from an import);
// connection-level events come from the host.

import type { WireFrames, TransportParameters } from '../../core/wire-frames';
import { qlogFrame, qlogTransportError, type QlogObject } from './frames';
import type { QlogSink, QlogTraceInfo } from './sink';
import { toHex } from '../../tls/bytes';
import type { CloseInfo } from '../connection';
import {
  QLOG_PACKET_SENT, QLOG_PACKET_RECEIVED, QLOG_PACKET_LOST, QLOG_PACKET_DROPPED,
  QLOG_LOST_REORDERING, QLOG_LOST_TIME, QLOG_DROPPED_DECRYPTION, QLOG_DROPPED_DUPLICATE, QLOG_DROPPED_KEYS_GONE,
  SPACE_INITIAL, SPACE_HANDSHAKE, SPACE_APP, QLOG_SPACE_ZERO_RTT,
} from '../../core/abi.generated';

const RS = '\x1e';
const PACKET_TYPES: Record<number, string> = { [SPACE_INITIAL]: 'initial', [SPACE_HANDSHAKE]: 'handshake', [SPACE_APP]: '1RTT', [QLOG_SPACE_ZERO_RTT]: '0RTT' };
const METRIC_NAMES = ['congestion_window', 'bytes_in_flight', 'smoothed_rtt', 'latest_rtt', 'rtt_variance', 'min_rtt', 'ssthresh', 'pto_count'];
/** Metrics the core reports in µs; qlog wants ms. */
const METRIC_IS_TIME = [false, false, true, true, true, true, false, false];
const LOST_TRIGGERS: Record<number, string> = { [QLOG_LOST_REORDERING]: 'reordering_threshold', [QLOG_LOST_TIME]: 'time_threshold' };
const DROPPED_TRIGGERS: Record<number, string> = {
  [QLOG_DROPPED_DECRYPTION]: 'decryption_failure', [QLOG_DROPPED_DUPLICATE]: 'duplicate', [QLOG_DROPPED_KEYS_GONE]: 'key_unavailable',
};

/** The qlog 0.3 names qvis understands, for the 'qvis' format. */
const QVIS_NAMES: Record<string, string> = {
  'quic:packet_sent': 'transport:packet_sent',
  'quic:packet_received': 'transport:packet_received',
  'quic:packet_dropped': 'transport:packet_dropped',
  'quic:parameters_set': 'transport:parameters_set',
  'quic:packet_lost': 'recovery:packet_lost',
  'quic:recovery_metrics_updated': 'recovery:metrics_updated',
  'quic:connection_state_updated': 'connectivity:connection_state_updated',
  'quic:connection_closed': 'connectivity:connection_closed',
};

/** A packet event as the core's tap reported it (record layout in assembly/conn/qlog.ts). */
export interface PacketRecord {
  kind: number;
  space: number;
  /** Lost/dropped: why; 1-RTT sent/received: the key phase bit. */
  trigger: number;
  size: number;
  pn: number;
  timeUs: number;
  metrics: Float64Array;
  /** Plaintext frames (sent and received packets), copied out of linear memory. */
  payload: Uint8Array | null;
}

export { QLOG_PACKET_SENT, QLOG_PACKET_RECEIVED, QLOG_PACKET_LOST, QLOG_PACKET_DROPPED };

/** A host-side event waiting behind packet records that came before it. */
interface HostEvent { timeUs: number; name: string; data: QlogObject }

export class QlogTrace {
  // Packet records and host events in the order they happened; written by flush().
  private readonly pending: (PacketRecord | HostEvent)[] = [];
  private readonly lastMetrics = new Float64Array(8).fill(NaN);
  private state = '';
  private closed = false;
  /** Frame ACK delays are scaled by the sender's exponent (RFC 9000 §19.3); updated from transport parameters. */
  private localAckDelayExponent = 3;
  private peerAckDelayExponent = 3;

  constructor(
    private readonly sink: QlogSink,
    readonly info: QlogTraceInfo,
    private readonly format: 'ietf' | 'qvis',
  ) {
    this.writeHeader();
  }

  /** Queues a packet event; `flush` turns it into qlog. */
  queuePacket(rec: PacketRecord): void {
    if (!this.closed) this.pending.push(rec);
  }

  /** Writes queued packet events. Call when the core is idle (frames are decoded by it). */
  flush(frames: WireFrames): void {
    for (const e of this.pending.splice(0)) {
      if ('kind' in e) this.writePacket(e, frames);
      else this.event(e.timeUs, e.name, e.data);
    }
  }

  /** connection_state_updated, logged only on a change. */
  stateUpdated(timeUs: number, next: string): void {
    if (next === this.state) return;
    this.later(timeUs, 'quic:connection_state_updated', this.state ? { old: this.state, new: next } : { new: next });
    this.state = next;
  }

  /** parameters_set for our transport parameters or the peer's. */
  parametersSet(timeUs: number, initiator: 'local' | 'remote', tp: TransportParameters, extra: QlogObject = {}): void {
    if (tp.ackDelayExponent !== undefined) {
      if (initiator === 'local') this.localAckDelayExponent = Number(tp.ackDelayExponent);
      else this.peerAckDelayExponent = Number(tp.ackDelayExponent);
    }
    const data: QlogObject = { initiator, ...extra };
    for (const [k, v] of Object.entries(tp)) {
      const name = k.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);
      data[name] = v instanceof Uint8Array ? toHex(v) : typeof v === 'bigint' ? Number(v) : v;
    }
    this.later(timeUs, 'quic:parameters_set', data);
  }

  /** connection_closed, then the final state, then the sink is closed. */
  close(timeUs: number, how: CloseInfo, frames: WireFrames): void {
    if (this.closed) return;
    const error = how.application ? { application_error: 'unknown', error_code: how.code } : (() => {
      const e = qlogTransportError(how.code);
      return { connection_error: e.error, ...(e.error_code !== undefined ? { error_code: e.error_code } : {}) };
    })();
    const trigger = how.idleTimeout ? 'idle_timeout' : how.application ? 'application' : how.code === 0 ? 'unspecified' : 'error';
    this.later(timeUs, 'quic:connection_closed', { initiator: how.byPeer ? 'remote' : 'local', ...error, reason: how.reason, trigger });
    this.stateUpdated(timeUs, 'closed');
    this.flush(frames);
    this.closed = true;
    this.sink.close();
  }

  private writePacket(rec: PacketRecord, frames: WireFrames): void {
    const header = { packet_type: PACKET_TYPES[rec.space] ?? 'unknown', packet_number: rec.pn };
    if (rec.kind === QLOG_PACKET_SENT || rec.kind === QLOG_PACKET_RECEIVED) {
      const sent = rec.kind === QLOG_PACKET_SENT;
      const decoded = frames.decodeAll(rec.payload ?? new Uint8Array(0));
      const exp = sent ? this.localAckDelayExponent : this.peerAckDelayExponent;
      this.event(rec.timeUs, sent ? 'quic:packet_sent' : 'quic:packet_received', {
        header: rec.space === SPACE_APP ? { ...header, key_phase_bit: rec.trigger === 1 } : header,
        frames: decoded.frames.map((f) => qlogFrame(f, exp)),
        raw: { length: rec.size, payload_length: rec.payload?.length ?? 0 },
      });
    } else if (rec.kind === QLOG_PACKET_LOST) {
      this.event(rec.timeUs, 'quic:packet_lost', { header, trigger: LOST_TRIGGERS[rec.trigger] ?? 'general' });
    } else if (rec.kind === QLOG_PACKET_DROPPED) {
      const h = rec.pn > 0 || rec.trigger === QLOG_DROPPED_DUPLICATE ? header : { packet_type: header.packet_type };
      this.event(rec.timeUs, 'quic:packet_dropped', { header: h, raw: { length: rec.size }, trigger: DROPPED_TRIGGERS[rec.trigger] ?? 'general' });
    }
    this.metricsUpdated(rec);
  }

  /** recovery_metrics_updated with only the values that changed (the draft asks for that). */
  private metricsUpdated(rec: PacketRecord): void {
    const changed: QlogObject = {};
    let any = false;
    for (let i = 0; i < 8; i++) {
      const v = rec.metrics[i];
      if (v === this.lastMetrics[i] || !Number.isFinite(v)) continue;
      if ((i === 3 || i === 5) && v === 0) continue; // no RTT sample yet
      this.lastMetrics[i] = v;
      changed[METRIC_NAMES[i]] = METRIC_IS_TIME[i] ? v / 1000 : v;
      any = true;
    }
    if (any) this.event(rec.timeUs, 'quic:recovery_metrics_updated', changed);
  }

  private later(timeUs: number, name: string, data: QlogObject): void {
    if (!this.closed) this.pending.push({ timeUs, name, data });
  }

  private event(timeUs: number, name: string, data: QlogObject): void {
    if (this.closed) return;
    if (this.format === 'qvis') {
      name = QVIS_NAMES[name] ?? name;
      if ('initiator' in data && name === 'transport:parameters_set') data = { owner: data.initiator, ...data };
    }
    this.sink.write(`${RS}${JSON.stringify({ time: timeUs / 1000, name, data })}\n`);
  }

  private writeHeader(): void {
    const { odcid, vantage } = this.info;
    const title = `quicwasm ${vantage} ${odcid}`;
    const header = this.format === 'qvis'
      ? {
          qlog_version: '0.3',
          qlog_format: 'JSON-SEQ',
          title,
          trace: { vantage_point: { name: 'quicwasm', type: vantage }, common_fields: { ODCID: odcid, group_id: odcid, time_format: 'relative', reference_time: 0 } },
        }
      : {
          file_schema: 'urn:ietf:params:qlog:file:sequential',
          serialization_format: 'application/qlog+json-seq',
          title,
          trace: {
            common_fields: {
              group_id: odcid,
              time_format: 'relative_to_epoch',
              // Times are the endpoint clock's (monotonic, arbitrary zero), in ms.
              reference_time: { clock_type: 'monotonic', epoch: 'unknown', wall_clock_time: new Date().toISOString() },
            },
            vantage_point: { name: 'quicwasm', type: vantage },
            event_schemas: ['urn:ietf:params:qlog:events:quic-13'],
          },
        };
    this.sink.write(`${RS}${JSON.stringify(header)}\n`);
  }
}
