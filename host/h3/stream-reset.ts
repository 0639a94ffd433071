// Resetting a stream we have not written to yet. The core's streamReset
// (assembly/conn/stream-ops.ts) drops the request when "everything sent is
// acknowledged", which is vacuously true for a stream with no bytes written, so the
// RESET_STREAM never goes out and the peer waits forever. Until that is fixed in the
// core, send one byte first: the peer then gets a RESET_STREAM with final size 1 and
// discards the byte (RFC 9000 §3.2: data before a reset may be dropped).
// TODO(core): remove once streamReset works on a stream with nothing sent.

import type { QuicStream } from '../transport/stream';

/** Resets the sending side of `s` with `code`, also when nothing was written yet. */
export async function resetStream(s: QuicStream, code: number): Promise<void> {
  if (s.bytesWritten === 0) await s.write(Uint8Array.of(0)).catch(() => undefined);
  s.reset(code);
}
