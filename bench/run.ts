// `npm run bench`: runs every bench in this folder, each in its own process so that
// one bench's JIT state and garbage cannot colour the next, passes their output
// through, and ends with a summary of every BENCH_JSON line.
//   npm run bench                        all benches
//   npm run bench -- core udp            only benches whose file name contains one of the words
//   npm run bench -- --quick             every bench in its short mode (the suite in ~1-2 minutes)
//   npm run bench -- --write-results     also rewrite bench/RESULTS.md from this run (bench/results.ts)

import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { writeResults } from './results';
import { TS_NODE_ARGS } from './lib';

const here = __dirname;
// upload.ts is a helper; runtimes.ts needs Deno, Bun and Chromium (run it on its own).
const skip = new Set(['run.ts', 'lib.ts', 'upload.ts', 'results.ts']);
const args = process.argv.slice(2);
const quick = args.includes('--quick');
const write = args.includes('--write-results');
const filters = args.filter((a) => !a.startsWith('--'));

/** Arguments of each bench's short mode (benches not listed run as they are). */
const QUICK_ARGS: Record<string, string[]> = {
  'bulk-udp.ts': ['--quick'],
  'connect.ts': ['--quick'],
  'endpoint-scale.ts': ['1'],
  'gc-per-mb.ts': ['4'],
  'handshake.ts': ['--quick'],
  'handshake-costs.ts': ['--quick'],
  'idle-memory.ts': ['1000', '--half-open', '10000'],
  'key-schedule.ts': ['--quick'],
  'protection.ts': ['--quick'],
  'protection-core.ts': ['--quick'],
  'streams.ts': ['--quick'],
  'transport-memory.ts': ['16', 'node'],
  'transport-udp.ts': ['10'],
  'udp-ceiling.ts': ['1200', '50000'],
};
/** Benches left out of the short mode (they need other runtimes or take minutes). */
const QUICK_SKIP = new Set(['runtimes.ts', 'cert-verify.ts']);

const files = readdirSync(here)
  .filter((f) => f.endsWith('.ts') && !skip.has(f) && !f.startsWith('_'))
  .filter((f) => !quick || !QUICK_SKIP.has(f))
  .filter((f) => filters.length === 0 || filters.some((w) => f.includes(w)))
  .sort();

const collected: unknown[] = [];
const t00 = Date.now();
for (const file of files) {
  const t0 = Date.now();
  const extra = quick ? QUICK_ARGS[file] ?? [] : [];
  const nodeFlags = file === 'idle-memory.ts' ? ['--expose-gc'] : [];
  const r = spawnSync(process.execPath, [...nodeFlags, ...TS_NODE_ARGS, join(here, file), ...extra], {
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
console.log(`\n== all results (JSON), ${((Date.now() - t00) / 1000).toFixed(0)} s${quick ? ', quick mode' : ''} ==`);
for (const c of collected) console.log(`BENCH_JSON ${JSON.stringify(c)}`);
if (write) console.log(`wrote ${writeResults(collected as Parameters<typeof writeResults>[0], { quick })}`);
