// Rollup plugins shared by the package build (rollup.config.mjs) and the runtime-checks
// bundle (rollup.checks.mjs).
import { readFileSync } from 'node:fs';

const CORE_ID = '\0quicwasm-packaged-core';
const isCoreSeam = (id) => id.endsWith('/packaged-core') || id.endsWith('/packaged-core.ts');

/**
 * Replaces host/core/packaged-core.ts with the URL of the core.wasm shipped beside the
 * bundle (the package builds: the core ships once, not once per bundle). rollup keeps
 * `import.meta.url` in ES output and turns it into the file's URL in CommonJS output.
 */
export function coreBeside() {
  return {
    name: 'quicwasm-core-beside',
    resolveId: (id) => (isCoreSeam(id) ? CORE_ID : null),
    load: (id) => (id === CORE_ID ? "export const packagedCore = () => new URL('./core.wasm', import.meta.url);" : null),
  };
}

/** Replaces host/core/packaged-core.ts with the release wasm (dist/core.wasm) as base64 (the test bundles). */
export function inlineCore() {
  return {
    name: 'quicwasm-inline-core',
    resolveId: (id) => (isCoreSeam(id) ? CORE_ID : null),
    load(id) {
      if (id !== CORE_ID) return null;
      const b64 = readFileSync('dist/core.wasm').toString('base64');
      return `const B64 = ${JSON.stringify(b64)};
let bytes = null;
export const packagedCore = () => {
  if (!bytes) { const s = atob(B64); bytes = new Uint8Array(s.length); for (let i = 0; i < s.length; i++) bytes[i] = s.charCodeAt(i); }
  return bytes;
};`;
    },
  };
}


/** JSON files as ES modules (the vectors). */
export function json() {
  return {
    name: 'quicwasm-json',
    transform(code, id) {
      return id.endsWith('.json') ? { code: `export default ${code};`, map: null } : null;
    },
  };
}

/**
 * Minifies a chunk with swc (already a dev dependency, so no new package): whitespace
 * and comments go (licence comments stay), and with `mangle` local names too; class and
 * function names stay (messages and logs print them).
 *
 * No compress pass, and no mangling where third-party code is bundled (the browser
 * build): swc rewrites `class Point { static BASE = new Point() }` (in @noble/curves) into
 * `let a = class Point { static BASE = new a() }`, a TDZ error at load ("Cannot access 'a'
 * before initialization"). Our own code has no such class; the Node builds keep @noble external.
 */
export function minify({ mangle = true } = {}) {
  return {
    name: 'quicwasm-minify',
    async renderChunk(code, _chunk, options) {
      const { minify: swcMinify } = await import('@swc/core');
      const r = await swcMinify(code, {
        compress: false,
        // A CommonJS chunk's top level is its module function's scope, so it is mangled too.
        mangle: mangle ? { keep_classnames: true, keep_fnames: true, topLevel: true } : false,
        module: options.format === 'es',
        sourceMap: true,
        format: { comments: 'some' },
      });
      return { code: r.code, map: r.map ? JSON.parse(r.map) : null };
    },
  };
}
