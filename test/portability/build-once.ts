// Builds dist/ and the checks bundle from the current source once per source state, even
// when several jest workers ask at the same time: a lock directory serialises the
// builds, and a stamp (a hash of every input) lets the later callers skip, so no worker
// reads a file another is rewriting.
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

const ROOT = resolve(__dirname, '../..');
const INPUTS = ['host', 'demos/browser-harness', 'test/runtimes', 'test/vectors', 'scripts', 'rollup.config.mjs', 'rollup.checks.mjs', 'package.json', 'dist/core.wasm'];
const OUTPUTS = ['dist/index.mjs', 'dist/index.cjs', 'dist/cli.mjs', 'dist/browser.mjs', 'dist/index.d.ts', 'dist/browser.d.ts', 'build/runtime-checks.mjs', 'build/harness-app.mjs'];

function hashInputs(): string {
  const h = createHash('sha256');
  const add = (p: string) => {
    const abs = join(ROOT, p);
    if (!existsSync(abs)) return;
    if (statSync(abs).isDirectory()) { for (const f of readdirSync(abs).sort()) add(join(p, f)); return; }
    h.update(p).update(readFileSync(abs));
  };
  INPUTS.forEach(add);
  return h.digest('hex');
}

export async function buildOnce(): Promise<void> {
  mkdirSync(join(ROOT, 'build'), { recursive: true });
  const lock = join(ROOT, 'build/.build-lock');
  const stamp = join(ROOT, 'build/.build-stamp');
  for (let waited = 0; ; waited += 200) {
    try { mkdirSync(lock); break; } catch { /* someone else is building */ }
    // A lock older than any build (a killed run left it) is taken over.
    try { if (Date.now() - statSync(lock).mtimeMs > 180_000) rmSync(lock, { recursive: true, force: true }); } catch { /* gone already */ }
    if (waited > 300_000) throw new Error(`build lock ${lock} held for 5 minutes; remove it if no build is running`);
    await new Promise((r) => setTimeout(r, 200));
  }
  try {
    const want = hashInputs();
    const have = existsSync(stamp) ? readFileSync(stamp, 'utf8') : '';
    if (want === have && OUTPUTS.every((o) => existsSync(join(ROOT, o)))) return;
    execFileSync('npx', ['rollup', '-c', 'rollup.config.mjs', '--silent'], { cwd: ROOT, stdio: 'pipe' });
    execFileSync('npx', ['rollup', '-c', 'rollup.checks.mjs', '--silent'], { cwd: ROOT, stdio: 'pipe' });
    writeFileSync(stamp, want);
  } finally {
    rmSync(lock, { recursive: true, force: true });
  }
}
