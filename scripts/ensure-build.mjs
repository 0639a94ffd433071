// Builds the core and bundles when they are missing or older than their sources: what
// `npm run demo` (and the other run scripts) do first, now that the build is no longer an
// install-time `prepare` script (npm warned every consumer about it). Packing builds
// through `prepack`; CI builds explicitly.
import { execSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
const outputs = ['dist/core.wasm', 'dist/core.debug.wasm', 'build/core.testing.wasm', 'dist/index.mjs'].map((f) => join(root, f));

function newest(dir) {
  let t = 0;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    t = Math.max(t, e.isDirectory() ? newest(p) : statSync(p).mtimeMs);
  }
  return t;
}

const missing = outputs.filter((f) => !existsSync(f));
const stale = missing.length === 0 && Math.min(...outputs.map((f) => statSync(f).mtimeMs)) < newest(join(root, 'assembly'));
if (missing.length || stale) {
  console.error(`[build] ${missing.length ? 'no build yet' : 'the core sources changed'}: npm run build`);
  execSync('npm run build --silent', { cwd: root, stdio: 'inherit' });
}
