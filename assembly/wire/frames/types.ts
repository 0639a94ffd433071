// Frame types, RFC 9000 §19 and §12.4 Table 3, plus DATAGRAM (RFC 9221 §4).

export namespace FrameType {
  export const PADDING: u64 = 0x00;
  export const PING: u64 = 0x01;
  export const ACK: u64 = 0x02;
  export const ACK_ECN: u64 = 0x03;
  export const RESET_STREAM: u64 = 0x04;
  export const STOP_SENDING: u64 = 0x05;
  export const CRYPTO: u64 = 0x06;
  export const NEW_TOKEN: u64 = 0x07;
  /** STREAM is 0x08-0x0f: bit 0x04 = OFF, 0x02 = LEN, 0x01 = FIN. */
  export const STREAM: u64 = 0x08;
  export const STREAM_MAX: u64 = 0x0f;
  export const MAX_DATA: u64 = 0x10;
  export const MAX_STREAM_DATA: u64 = 0x11;
  export const MAX_STREAMS_BIDI: u64 = 0x12;
  export const MAX_STREAMS_UNI: u64 = 0x13;
  export const DATA_BLOCKED: u64 = 0x14;
  export const STREAM_DATA_BLOCKED: u64 = 0x15;
  export const STREAMS_BLOCKED_BIDI: u64 = 0x16;
  export const STREAMS_BLOCKED_UNI: u64 = 0x17;
  export const NEW_CONNECTION_ID: u64 = 0x18;
  export const RETIRE_CONNECTION_ID: u64 = 0x19;
  export const PATH_CHALLENGE: u64 = 0x1a;
  export const PATH_RESPONSE: u64 = 0x1b;
  export const CONNECTION_CLOSE: u64 = 0x1c;
  export const CONNECTION_CLOSE_APP: u64 = 0x1d;
  export const HANDSHAKE_DONE: u64 = 0x1e;
  /** DATAGRAM without (0x30) and with (0x31) a Length field. */
  export const DATAGRAM: u64 = 0x30;
  export const DATAGRAM_LEN: u64 = 0x31;
}

/** STREAM frame flag bits (§19.8). */
export const STREAM_OFF: u64 = 0x04;
export const STREAM_LEN: u64 = 0x02;
export const STREAM_FIN: u64 = 0x01;

/** Largest stream count MAX_STREAMS / STREAMS_BLOCKED may carry (§19.11: 2^60). */
export const MAX_STREAM_COUNT: u64 = 1 << 60;
