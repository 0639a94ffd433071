// What the connection owes the peer (quinn's Retransmits): control frames that must be
// sent, or sent again after a loss, in one record instead of flags spread over the
// connection. The values go out as they are when the frame is written (MAX_DATA
// carries the current limit, not the one that was lost), so a flag is enough; streams
// that owe STOP_SENDING, MAX_STREAM_DATA or RESET_STREAM wait in one queue, in the order
// they came due, and transmit.ts serves that queue before any stream data.
//
// Who sets what: stream-ops.ts (credit returned, reset, stop sending, streams freed),
// receive.ts (STOP_SENDING obliges a RESET_STREAM, §3.5; cid.ts: RETIRE_CONNECTION_ID
// for retired peer CIDs), the endpoint (our new CIDs), loss.ts (a lost frame is owed
// again), the ABI (PING, HANDSHAKE_DONE). transmit.ts clears what it wrote.

import { NO_U64S } from "../util/empty";
import { Stream } from "./streams/stream";

/** STREAMS_BLOCKED owed, per direction (bits of `streamsBlocked`). */
export const BLOCKED_BIDI: i32 = 1;
export const BLOCKED_UNI: i32 = 2;

// One bit each in Pending.flags: nine separate fields took 8 bytes more and put the
// record (one per connection, half-open ones included: issue 17) one 16-byte allocator
// step higher.
const HANDSHAKE_DONE: u32 = 1 << 0;
const MAX_DATA: u32 = 1 << 1;
const MAX_STREAMS_BIDI: u32 = 1 << 2;
const MAX_STREAMS_UNI: u32 = 1 << 3;
const NEW_TOKEN: u32 = 1 << 4;
const PING: u32 = 1 << 5;
const CIDS: u32 = 1 << 6;
const CLOSE: u32 = 1 << 7;
/** streamsBlocked's two bits (BLOCKED_BIDI, BLOCKED_UNI) sit here. */
const BLOCKED_SHIFT: u32 = 8;

// @ts-ignore: decorator
@inline function withBit(flags: u32, bit: u32, on: bool): u32 {
  return on ? flags | bit : flags & ~bit;
}

export class Pending {
  private flags: u32 = 0;

  /** HANDSHAKE_DONE (server, RFC 9000 §19.20). */
  get handshakeDone(): bool { return (this.flags & HANDSHAKE_DONE) != 0; }
  set handshakeDone(v: bool) { this.flags = withBit(this.flags, HANDSHAKE_DONE, v); }
  /** MAX_DATA with the current limit. */
  get maxData(): bool { return (this.flags & MAX_DATA) != 0; }
  set maxData(v: bool) { this.flags = withBit(this.flags, MAX_DATA, v); }
  /** MAX_STREAMS with the current limits. */
  get maxStreamsBidi(): bool { return (this.flags & MAX_STREAMS_BIDI) != 0; }
  set maxStreamsBidi(v: bool) { this.flags = withBit(this.flags, MAX_STREAMS_BIDI, v); }
  get maxStreamsUni(): bool { return (this.flags & MAX_STREAMS_UNI) != 0; }
  set maxStreamsUni(v: bool) { this.flags = withBit(this.flags, MAX_STREAMS_UNI, v); }
  /** STREAMS_BLOCKED: BLOCKED_BIDI | BLOCKED_UNI. */
  get streamsBlocked(): i32 { return <i32>((this.flags >> BLOCKED_SHIFT) & 3); }
  set streamsBlocked(v: i32) { this.flags = (this.flags & ~(<u32>3 << BLOCKED_SHIFT)) | ((<u32>v & 3) << BLOCKED_SHIFT); }
  /** NEW_TOKEN (server, §8.1.3): the token is Connection.sentToken (conn/new-token.ts). */
  get newToken(): bool { return (this.flags & NEW_TOKEN) != 0; }
  set newToken(v: bool) { this.flags = withBit(this.flags, NEW_TOKEN, v); }
  /** A PING (the host asked, or keep-alive). */
  get ping(): bool { return (this.flags & PING) != 0; }
  set ping(v: bool) { this.flags = withBit(this.flags, PING, v); }
  /** NEW_CONNECTION_ID or RETIRE_CONNECTION_ID owed (which ones: conn/cid.ts). */
  get cids(): bool { return (this.flags & CIDS) != 0; }
  set cids(v: bool) { this.flags = withBit(this.flags, CIDS, v); }
  /** CONNECTION_CLOSE, while closing (sent again when a packet arrives, §10.2.1). */
  get close(): bool { return (this.flags & CLOSE) != 0; }
  set close(v: bool) { this.flags = withBit(this.flags, CLOSE, v); }
  /** Ids of streams owing control frames; entries before `streamsHead` were served. */
  streams: Array<u64> = NO_U64S;
  streamsHead: i32 = 0;

  /** Queues `s` for its control frames (once; the stream says which it owes). */
  queueStream(s: Stream): void {
    if (s.queued) return;
    s.queued = true;
    if (this.streams == NO_U64S) this.streams = new Array<u64>(); // the first one
    this.streams.push(s.id);
  }

  /** Drops the served prefix of the stream queue (its storage stays for reuse). */
  compactStreams(): void {
    const ids = this.streams;
    const head = this.streamsHead;
    if (head == 0) return;
    if (head == ids.length) { ids.length = 0; this.streamsHead = 0; return; }
    if (head < 64 || head * 2 < ids.length) return;
    for (let i = head; i < ids.length; i++) unchecked(ids[i - head] = ids[i]);
    ids.length = ids.length - head;
    this.streamsHead = 0;
  }
}
