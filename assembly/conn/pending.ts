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

export class Pending {
  /** HANDSHAKE_DONE (server, RFC 9000 §19.20). */
  handshakeDone: bool = false;
  /** MAX_DATA with the current limit. */
  maxData: bool = false;
  /** MAX_STREAMS with the current limits. */
  maxStreamsBidi: bool = false;
  maxStreamsUni: bool = false;
  /** STREAMS_BLOCKED: BLOCKED_BIDI | BLOCKED_UNI. */
  streamsBlocked: i32 = 0;
  /** NEW_TOKEN (server, §8.1.3): the token is Connection.sentToken (conn/new-token.ts). */
  newToken: bool = false;
  /** A PING (the host asked, or keep-alive). */
  ping: bool = false;
  /** NEW_CONNECTION_ID or RETIRE_CONNECTION_ID owed (which ones: conn/cid.ts). */
  cids: bool = false;
  /** CONNECTION_CLOSE, while closing (sent again when a packet arrives, §10.2.1). */
  close: bool = false;
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
