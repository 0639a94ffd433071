// qlog files for Node (and Deno/Bun through node:fs): one JSON-SEQ file per connection,
// named <odcid>_<client|server>.sqlog so that both ends of a connection sort together
// and qvis (or any qlog tool) can load them.

import { closeSync, mkdirSync, openSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import type { QlogOptions, QlogSinkFactory } from './transport/qlog/sink';
import { QuicArgumentError } from './errors';

/** A sink factory writing files into `dir` (created if missing). */
export function qlogDirectory(dir: string): QlogSinkFactory {
  if (typeof dir !== 'string' || dir.length === 0) throw new QuicArgumentError('qlogDir must be a directory path');
  mkdirSync(dir, { recursive: true });
  return (info) => {
    const fd = openSync(join(dir, `${info.odcid}_${info.vantage}.sqlog`), 'w');
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

/** QlogOptions from the Node API's qlogDir / qlogFormat options, or undefined when qlog is off. */
export function qlogOptions(dir: string | undefined, format: QlogOptions['format']): QlogOptions | undefined {
  const d = dir ?? process.env.QLOGDIR;
  return d ? { sink: qlogDirectory(d), format } : undefined;
}
