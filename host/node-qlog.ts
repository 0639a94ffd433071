// qlog files for Node (and Deno/Bun through node:fs): one JSON-SEQ file per connection,
// named <odcid>_<client|server>.sqlog so that both ends of a connection sort together
// and qvis (or any qlog tool) can load them.

import { closeSync, existsSync, mkdirSync, openSync, statSync, writeSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { NO_QLOG_SINK, type QlogOptions, type QlogSinkFactory } from './transport/qlog/sink';
import { QuicArgumentError } from './errors';

/** A sink factory writing files into `dir` (created if missing). */
export function qlogDirectory(dir: string): QlogSinkFactory {
  if (typeof dir !== 'string' || dir.length === 0) throw new QuicArgumentError('qlogDir must be a directory path');
  makeDirectory(dir);
  return (info) => {
    let fd: number;
    try {
      fd = openSync(join(dir, `${info.odcid}_${info.vantage}.sqlog`), 'w');
    } catch {
      return NO_QLOG_SINK; // the directory went away or filled up since: no trace, the connection goes on
    }
    // Records are batched and written synchronously in 64 kB chunks, and the rest at
    // close: a process that exits right after closing its connection keeps its whole
    // trace (an async stream would lose the tail). A full disk must not take the
    // connection down (qlog is diagnostics), so write errors end the trace quietly.
    let parts: string[] = [];
    let size = 0;
    let failed = false;
    const drain = () => {
      if (failed || parts.length === 0) return;
      try { writeSync(fd, parts.join('')); } catch { failed = true; }
      parts = [];
      size = 0;
    };
    return {
      write: (r) => {
        parts.push(r);
        size += r.length;
        if (size >= 65536) drain();
      },
      close: () => {
        drain();
        try { closeSync(fd); } catch { /* already gone */ }
      },
    };
  };
}

/**
 * Creates `dir` and its missing parents, one level at a time. Not mkdirSync's
 * `recursive`: on a path under /proc or a stale mount, mkdir answers ENOENT while the
 * parent exists, and Node's recursive walk then retries forever inside one synchronous
 * call (the event loop frozen, no error). Here such a level fails with its error.
 */
function makeDirectory(dir: string): void {
  const missing: string[] = [];
  for (let d = resolve(dir); !existsSync(d); d = dirname(d)) {
    missing.push(d);
    if (dirname(d) === d) break;
  }
  try {
    for (const d of missing.reverse()) {
      try { mkdirSync(d); } catch (err) { if ((err as { code?: string }).code !== 'EEXIST') throw err; }
    }
    if (!statSync(dir).isDirectory()) throw new Error('not a directory');
  } catch (err) {
    throw new QuicArgumentError(`qlogDir "${dir}" cannot be used as a directory: ${(err as Error).message}`, { cause: err });
  }
}

/** QlogOptions from the Node API's qlogDir / qlogFormat options, or undefined when qlog is off. */
export function qlogOptions(dir: string | undefined, format: QlogOptions['format']): QlogOptions | undefined {
  const d = dir ?? process.env.QLOGDIR;
  return d ? { sink: qlogDirectory(d), format } : undefined;
}
