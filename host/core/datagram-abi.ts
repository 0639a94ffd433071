// Typed access to the core's DATAGRAM door (assembly/abi/datagrams.ts is the source of
// truth for names, argument order and slots). Numbers and bytes only; the policy (what
// the application may send, who gets what arrives) is host/transport/datagrams.ts.

import type { Core } from './core';
import { DatagramStats as Slot } from './abi.generated';

interface DatagramExports {
  connDatagramMaxSize(conn: number): number;
  connDatagramSend(conn: number, len: number, id: number): number;
  connDatagramRead(conn: number, cap: number): number;
  connDatagramStats(conn: number): number;
}

/** A connection's datagram counters (assembly/abi/datagram-stats.ts). */
export interface DatagramStats {
  /** DATAGRAM frames written into packets, and received. */
  sent: number;
  received: number;
  /** Sent datagrams whose packet was acknowledged, or declared lost (never resent, RFC 9221 §5.2). */
  acked: number;
  lost: number;
  /** Dropped unsent because the send queue was full (the oldest go first). */
  sendDropped: number;
  /** Received but dropped because the application did not read them in time (the oldest go first). */
  receiveDropped: number;
  /** Datagrams waiting to be sent / to be read, and the bytes they take (8 bytes of header each). */
  sendQueued: number;
  sendQueuedBytes: number;
  receiveQueued: number;
  receiveQueuedBytes: number;
  /** Linear memory held by both queues (each is twice its byte cap once used). */
  queueMemory: number;
  /** Our max_datagram_frame_size (0: datagrams off) and the peer's (0: it takes none). */
  localMaxFrameSize: number;
  peerMaxFrameSize: number;
}

/** The datagram door of one core instance. */
export class DatagramAbi {
  private readonly x: DatagramExports;

  constructor(readonly core: Core) {
    this.x = core.exports as unknown as DatagramExports;
  }

  /** Largest payload sendable now (0: the peer takes no datagrams); negative: no such connection. */
  maxSize(conn: number): number {
    return this.x.connDatagramMaxSize(conn);
  }

  /** Queues one datagram (id 0 = untracked); 0 or a negative code. */
  send(conn: number, data: Uint8Array, id: number): number {
    if (data.length > this.core.scratchCapacity) return -0x0a;
    this.core.writeScratch(data);
    return this.x.connDatagramSend(conn, data.length, id >>> 0);
  }

  /** The oldest received datagram (a copy), or null when none waits. */
  read(conn: number): Uint8Array | null {
    const n = this.x.connDatagramRead(conn, this.core.scratchCapacity);
    if (n < 0 || this.core.resultNumber(0) !== 1) return null;
    return this.core.read(this.core.scratchPtr, n);
  }

  /** Counters, or null once the connection is gone. */
  stats(conn: number): DatagramStats | null {
    const p = this.x.connDatagramStats(conn);
    if (p < 0) return null;
    const dv = this.core.view;
    const v = (slot: number) => dv.getFloat64(p + 8 * slot, true);
    return {
      sent: v(Slot.SENT), received: v(Slot.RECEIVED), acked: v(Slot.ACKED), lost: v(Slot.LOST),
      sendDropped: v(Slot.SEND_DROPPED), receiveDropped: v(Slot.RECV_DROPPED),
      sendQueued: v(Slot.SEND_QUEUED), sendQueuedBytes: v(Slot.SEND_QUEUED_BYTES),
      receiveQueued: v(Slot.RECV_QUEUED), receiveQueuedBytes: v(Slot.RECV_QUEUED_BYTES),
      queueMemory: v(Slot.QUEUE_MEMORY), localMaxFrameSize: v(Slot.LOCAL_MAX_FRAME), peerMaxFrameSize: v(Slot.PEER_MAX_FRAME),
    };
  }
}
