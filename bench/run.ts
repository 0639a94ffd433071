// `npm run bench`: runs every bench in this folder, each in its own process so that
// one bench's JIT state and garbage cannot colour the next, passes their output
// through, and ends with a summary of every BENCH_JSON line.
//   npm run bench              all benches
//   npm run bench -- core udp  only benches whose file name contains one of the words

import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';

const here = __dirname;
const skip = new Set(['run.ts', 'lib.ts', 'upload.ts']);
const filters = process.argv.slice(2);
const files = readdirSync(here)
  .filter((f) => f.endsWith('.ts') && !skip.has(f) && !f.startsWith('_'))
  .filter((f) => filters.length === 0 || filters.some((w) => f.includes(w)))
  .sort();

const collected: unknown[] = [];
for (const file of files) {
  const t0 = Date.now();
  const r = spawnSync(process.execPath, ['--import', 'tsx', join(here, file)], {
    cwd: join(here, '..'),
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
    timeout: 5 * 60_000,
  });
  const out = r.stdout ?? '';
  for (const line of out.split('\n')) {
    if (line.startsWith('BENCH_JSON ')) collected.push(JSON.parse(line.slice(11)));
    else if (line.length) console.log(line);
  }
  const secs = ((Date.now() - t0) / 1000).toFixed(1);
  if (r.status !== 0) console.log(`!! ${file} exited with ${r.status ?? r.signal} after ${secs}s`);
  else console.log(`   (${file}: ${secs}s)`);
}
console.log('\n== all results (JSON) ==');
for (const c of collected) console.log(`BENCH_JSON ${JSON.stringify(c)}`);
