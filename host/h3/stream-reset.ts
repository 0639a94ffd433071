// Resetting the sending side of a stream, also when nothing was written on it yet: the
// core sends RESET_STREAM from the Ready state too (RFC 9000 §3.1; it once dropped the
// request as "everything acknowledged", test/transport/streams.test.ts now covers it).

import type { QuicStream } from '../transport/stream';

/** Resets the sending side of `s` with `code`. */
export async function resetStream(s: QuicStream, code: number): Promise<void> {
  s.reset(code);
}
