// Configuration keys (connConfigure) and their defaults. Endpoint-wide defaults live
// in conn 0's Config and are copied into each new connection.
import { CC_NEWRENO, CC_CUBIC, CC_VEGAS } from "../recovery/cc";

export namespace ConfigKey {
  export const INITIAL_MAX_DATA: i32 = 0;
  export const INITIAL_MAX_STREAM_DATA_BIDI_LOCAL: i32 = 1;
  export const INITIAL_MAX_STREAM_DATA_BIDI_REMOTE: i32 = 2;
  export const INITIAL_MAX_STREAM_DATA_UNI: i32 = 3;
  export const INITIAL_MAX_STREAMS_BIDI: i32 = 4;
  export const INITIAL_MAX_STREAMS_UNI: i32 = 5;
  export const MAX_IDLE_TIMEOUT_MS: i32 = 6;
  export const MAX_UDP_PAYLOAD_SIZE: i32 = 7;
  export const ACK_DELAY_EXPONENT: i32 = 8;
  export const MAX_ACK_DELAY_MS: i32 = 9;
  export const ACTIVE_CONNECTION_ID_LIMIT: i32 = 10;
  export const DISABLE_ACTIVE_MIGRATION: i32 = 11;
  export const MAX_DATAGRAM_FRAME_SIZE: i32 = 12;
  /** CC_NEWRENO, CC_CUBIC or CC_VEGAS (recovery/cc.ts). */
  export const CONGESTION_CONTROL: i32 = 13;
  export const INITIAL_RTT_MS: i32 = 14;
  /** Send a PING after this much idle time (0 = off). */
  export const KEEP_ALIVE_MS: i32 = 15;
  /** Upper bound for receive-window auto-tuning (per stream and connection). */
  export const MAX_RECEIVE_WINDOW: i32 = 16;
  /** Send buffer per stream: writes beyond it are refused until data is acknowledged. */
  export const STREAM_SEND_BUFFER: i32 = 17;
  /** Bytes of datagrams waiting to be sent (conn/datagrams.ts): beyond it the oldest are dropped. */
  export const DATAGRAM_SEND_QUEUE: i32 = 18;
  /** Bytes of received datagrams waiting for the host: beyond it the oldest are dropped. */
  export const DATAGRAM_RECV_QUEUE: i32 = 19;
  /** DPLPMTUD (conn/pmtud.ts): 1 probes for datagrams larger than 1200 bytes, 0 keeps 1200. */
  export const PMTUD: i32 = 20;
  /** Largest UDP payload we send (the host caps it at what its interface carries), 1200..65527. */
  export const MAX_DATAGRAM_SIZE: i32 = 21;
  /** Advertise grease_quic_bit (RFC 9287) and accept packets whose QUIC bit is 0. */
  export const GREASE_QUIC_BIT: i32 = 22;
  /** Drive the latency spin bit (RFC 9000 §17.4); off: a random value per connection ID. */
  export const SPIN_BIT: i32 = 23;
  /** HyStart++ (RFC 9406, recovery/hystart.ts) in the first slow start: 1 on, 0 off. */
  export const HYSTART: i32 = 24;
  export const COUNT: i32 = 25;
}

const DEFAULTS: StaticArray<f64> = [
  1048576,      // initial_max_data: 1 MiB
  256 * 1024,   // bidi local
  256 * 1024,   // bidi remote
  256 * 1024,   // uni
  100,          // streams bidi
  100,          // streams uni
  30000,        // idle timeout ms
  65527,        // max_udp_payload_size we accept
  3,            // ack_delay_exponent
  25,           // max_ack_delay ms
  4,            // active_connection_id_limit (how many of the peer's CIDs we hold)
  0,            // disable_active_migration
  0,            // max_datagram_frame_size (DATAGRAM support off)
  0,            // NewReno
  333,          // initial RTT ms (RFC 9002 §6.2.2)
  0,            // keep-alive off
  16777216,     // max receive window: 16 MiB
  1048576,      // stream send buffer: 1 MiB
  65536,        // datagram send queue: 64 KiB
  65536,        // datagram receive queue: 64 KiB
  1,            // PMTU discovery on
  65527,        // max datagram size we send (the peer's max_udp_payload_size and the host cap it)
  1,            // grease_quic_bit advertised
  0,            // spin bit off
  1,            // HyStart++ on
];

export class Config {
  v: StaticArray<f64> = new StaticArray<f64>(ConfigKey.COUNT);

  constructor() {
    for (let i = 0; i < ConfigKey.COUNT; i++) unchecked(this.v[i] = DEFAULTS[i]);
  }

  copyFrom(o: Config): void {
    for (let i = 0; i < ConfigKey.COUNT; i++) unchecked(this.v[i] = o.v[i]);
  }

  get(key: i32): f64 { return unchecked(this.v[key]); }

  /** Validates and sets; false for an unknown key or an out-of-range value. */
  set(key: i32, value: f64): bool {
    if (key < 0 || key >= ConfigKey.COUNT || !(value >= 0) || value > 4611686018427387903) return false;
    if (key == ConfigKey.ACK_DELAY_EXPONENT && value > 20) return false;
    if (key == ConfigKey.MAX_ACK_DELAY_MS && value >= 16384) return false;
    if (key == ConfigKey.MAX_UDP_PAYLOAD_SIZE && value < 1200) return false;
    // §18.2: at least 2; at most 16, since each is state the peer makes us hold.
    if (key == ConfigKey.ACTIVE_CONNECTION_ID_LIMIT && (value < 2 || value > 16)) return false;
    if ((key == ConfigKey.INITIAL_MAX_STREAMS_BIDI || key == ConfigKey.INITIAL_MAX_STREAMS_UNI) && value > 1152921504606846976) return false;
    if (key == ConfigKey.CONGESTION_CONTROL && value != CC_NEWRENO && value != CC_CUBIC && value != CC_VEGAS) return false;
    if ((key == ConfigKey.GREASE_QUIC_BIT || key == ConfigKey.SPIN_BIT) && value != 0 && value != 1) return false;
    if ((key == ConfigKey.DATAGRAM_SEND_QUEUE || key == ConfigKey.DATAGRAM_RECV_QUEUE) && (value < 64 || value > 268435456)) return false; // the block is twice the cap (datagram-queue.ts)
    if ((key == ConfigKey.PMTUD || key == ConfigKey.HYSTART) && value != 0 && value != 1) return false;
    if (key == ConfigKey.MAX_DATAGRAM_SIZE && (value < 1200 || value > 65527)) return false;
    unchecked(this.v[key] = value);
    return true;
  }
}
