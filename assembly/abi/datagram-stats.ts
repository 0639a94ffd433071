// The slots of the block connDatagramStats fills (abi/datagrams.ts): names for the host,
// not wasm exports (index.ts does not re-export this file); scripts/gen-abi.mjs copies
// them into host/core/abi.generated.ts.

/** Slots of the block connDatagramStats returns (f64 each, slot i at pointer + 8 i). */
export namespace DatagramStats {
  /** DATAGRAM frames written into packets. */
  export const SENT: i32 = 0;
  /** DATAGRAM frames received (accepted by the §3 size check). */
  export const RECEIVED: i32 = 1;
  /** Sent datagrams whose packet was acknowledged. */
  export const ACKED: i32 = 2;
  /** Sent datagrams whose packet was declared lost (never resent). */
  export const LOST: i32 = 3;
  /** Datagrams dropped from the send queue unsent (it was full: the oldest go). */
  export const SEND_DROPPED: i32 = 4;
  /** Received datagrams dropped because the host did not read them in time (the oldest go). */
  export const RECV_DROPPED: i32 = 5;
  /** Datagrams waiting to be sent, and their bytes (with 8 bytes of header each). */
  export const SEND_QUEUED: i32 = 6;
  export const SEND_QUEUED_BYTES: i32 = 7;
  /** Received datagrams waiting for the host, and their bytes (with 8 bytes of header each). */
  export const RECV_QUEUED: i32 = 8;
  export const RECV_QUEUED_BYTES: i32 = 9;
  /** Linear memory the two queues hold (each block is twice its cap, allocated at first use). */
  export const QUEUE_MEMORY: i32 = 10;
  /** Our max_datagram_frame_size (0: off), and the peer's (0: it takes no datagrams). */
  export const LOCAL_MAX_FRAME: i32 = 11;
  export const PEER_MAX_FRAME: i32 = 12;
  export const COUNT: i32 = 13;
}
