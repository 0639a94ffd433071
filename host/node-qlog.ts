// qlog files for Node (and Deno/Bun through node:fs): one JSON-SEQ file per connection,
// named <odcid>_<client|server>.sqlog so that both ends of a connection sort together
// and qvis (or any qlog tool) can load them.

import { createWriteStream, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { QlogOptions, QlogSinkFactory } from './transport/qlog/sink';
import { QuicArgumentError } from './errors';

/** A sink factory writing files into `dir` (created if missing). */
export function qlogDirectory(dir: string): QlogSinkFactory {
  if (typeof dir !== 'string' || dir.length === 0) throw new QuicArgumentError('qlogDir must be a directory path');
  mkdirSync(dir, { recursive: true });
  return (info) => {
    const stream = createWriteStream(join(dir, `${info.odcid}_${info.vantage}.sqlog`));
    // A full disk must not take the connection down: qlog is diagnostics.
    stream.on('error', () => {});
    return { write: (r) => { stream.write(r); }, close: () => { stream.end(); } };
  };
}

/** QlogOptions from the Node API's qlogDir / qlogFormat options, or undefined when qlog is off. */
export function qlogOptions(dir: string | undefined, format: QlogOptions['format']): QlogOptions | undefined {
  const d = dir ?? process.env.QLOGDIR;
  return d ? { sink: qlogDirectory(d), format } : undefined;
}
