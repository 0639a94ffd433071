// The same in-memory simulator transfer (no impairment, 1 ms one-way delay on a virtual
// clock, so only the stack costs time) under Node, Deno, Bun and headless Chromium, side
// by side from one run, plus the wasm and packed sizes. The bundle is
// build/runtime-checks.mjs (rollup.checks.mjs); Node with node:crypto is the baseline.
//   npx tsx bench/runtimes.ts [MB=8]
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { join, resolve } from 'node:path';
import { chromium } from 'playwright-core';
import { serveHarness } from '../demos/browser-harness/serve';
import { report, type BenchRow } from './lib';

const ROOT = resolve(__dirname, '..');
const BYTES = Math.round(Number(process.argv[2] ?? 8) * (1 << 20));
const BIN = join(ROOT, 'node_modules/.bin');
const RUNTIMES: Record<string, string[]> = { node: [process.execPath], deno: [join(BIN, 'deno'), 'run', '-A'], bun: [join(BIN, 'bun')] };

interface Run { runtime: string; provider: string; mbps: number; msPerMB: number; ok: boolean }

function runChecks(runtime: string, provider: 'portable' | 'native'): Run {
  const [cmd, ...pre] = RUNTIMES[runtime];
  const out = execFileSync(cmd, [...pre, 'test/runtimes/run-checks.mjs', String(BYTES), '0', provider], { cwd: ROOT, encoding: 'utf8', timeout: 300_000 });
  const r = JSON.parse(out.trim().split('\n').pop()!);
  return { runtime: r.runtime, provider: r.transfer.provider, mbps: r.transfer.mbps, msPerMB: r.transfer.msPerMB, ok: r.transfer.ok };
}

async function runChromium(): Promise<Run> {
  const { server, url } = await serveHarness(0);
  const executablePath = execFileSync('sh', ['-c', 'command -v chromium || command -v chromium-browser'], { encoding: 'utf8' }).trim();
  const browser = await chromium.launch({ executablePath, args: ['--headless', '--no-sandbox', '--disable-gpu'] });
  try {
    const page = await browser.newPage();
    await page.goto(`${url}blank.html`);
    const version = browser.version();
    const r = await page.evaluate(`import('/runtime-checks.mjs').then((m) => m.simulatorTransfer({ bytes: ${BYTES} })).then((t) => ({ mbps: t.mbps, msPerMB: t.msPerMB, ok: t.ok, provider: 'portable (@noble/ciphers)' }))`) as Omit<Run, 'runtime'>;
    return { runtime: `chromium ${version}`, ...r };
  } finally {
    await browser.close();
    server.close();
  }
}

(async () => {
  execFileSync('npx', ['rollup', '-c', 'rollup.config.mjs', '--silent'], { cwd: ROOT, stdio: 'pipe' });
  execFileSync('npx', ['rollup', '-c', 'rollup.checks.mjs', '--silent'], { cwd: ROOT, stdio: 'pipe' });
  const runs: Run[] = [];
  for (const rt of ['node', 'deno', 'bun']) for (const p of ['native', 'portable'] as const) runs.push(runChecks(rt, p));
  runs.push(await runChromium());
  const base = runs[0];
  const rows: BenchRow[] = [];
  for (const r of runs) {
    const name = `${r.runtime.split(' ')[0]} ${r.provider.startsWith('portable') ? 'portable' : 'native'}`;
    rows.push({ name: `${name} throughput`, value: r.mbps, unit: `Mbit/s (${(r.mbps / base.mbps).toFixed(2)}× node native)${r.ok ? '' : ' MISMATCH'}` });
    rows.push({ name: `${name} time per MB`, value: r.msPerMB, unit: 'ms/MB (wall, one busy thread)' });
  }
  const wasm = readFileSync(join(ROOT, 'dist/core.wasm'));
  rows.push({ name: 'core.wasm (release)', value: wasm.length / 1024, unit: `KiB (${(gzipSync(wasm).length / 1024).toFixed(1)} KiB gzipped)` });
  const browserBundle = readFileSync(join(ROOT, 'dist/browser.mjs'));
  rows.push({ name: 'dist/browser.mjs', value: browserBundle.length / 1024, unit: `KiB (${(gzipSync(browserBundle).length / 1024).toFixed(1)} KiB gzipped; @noble inlined, core.wasm beside it)` });
  const pack = JSON.parse(execFileSync('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], { cwd: ROOT, encoding: 'utf8' }).replace(/^[^[]*/, ''))[0];
  rows.push({ name: 'npm pack', value: pack.size / 1024, unit: `KiB packed, ${(pack.unpackedSize / 1024).toFixed(0)} KiB unpacked, ${pack.entryCount} files` });
  report(`runtimes: ${BYTES >> 20} MiB simulator upload, no impairment`, rows, [
    'runtime versions: ' + runs.map((r) => r.runtime).filter((v, i, a) => a.indexOf(v) === i).join(', '),
    "Bun's node:crypto lacks ChaCha20; AES (used here) is native there",
  ]);
})().catch((e) => { console.error(e); process.exit(1); });
