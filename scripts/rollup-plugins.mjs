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

/** Whether an swc AST node mentions the identifier `name` anywhere below it. */
function mentions(node, name) {
  if (!node || typeof node !== 'object') return false;
  if (Array.isArray(node)) return node.some((n) => mentions(n, name));
  if (node.type === 'Identifier' && node.value === name) return true;
  for (const k in node) if (k !== 'span' && mentions(node[k], name)) return true;
  return false;
}

/** Names of the classes whose static fields or blocks refer to the class itself. */
async function selfReferringClasses(code) {
  const { parse } = await import('@swc/core');
  const found = new Set();
  const walk = (node) => {
    if (!node || typeof node !== 'object') return;
    if (Array.isArray(node)) { node.forEach(walk); return; }
    if ((node.type === 'ClassDeclaration' || node.type === 'ClassExpression') && node.identifier) {
      const name = node.identifier.value;
      for (const m of node.body ?? []) {
        if (((m.type === 'ClassProperty' && m.isStatic) || m.type === 'StaticBlock') && mentions(m, name)) found.add(name);
      }
    }
    for (const k in node) if (k !== 'span') walk(node[k]);
  };
  walk(await parse(code, { syntax: 'ecmascript', target: 'es2022' }));
  return [...found];
}

/**
 * Minifies a chunk with swc (already a dev dependency, so no new package): whitespace
 * and comments go (licence comments stay), local names are mangled; class and function
 * names stay (messages and logs print them). The same for every bundle, the browser one
 * (with @noble bundled) included.
 *
 * swc, keeping a class name, rewrites `class Point { static BASE = new Point() }` (in
 * @noble/curves) into `let a = class Point { static BASE = new a() }`, a TDZ error at
 * load ("Cannot access 'a' before initialization"). So the classes whose static
 * initializers name themselves (found in the chunk's AST) keep their binding's name too.
 * No compress pass: it hits the same rewrite and saves little more.
 */
export function minify() {
  return {
    name: 'quicwasm-minify',
    async renderChunk(code, _chunk, options) {
      const { minify: swcMinify } = await import('@swc/core');
      const r = await swcMinify(code, {
        compress: false,
        // A CommonJS chunk's top level is its module function's scope, so it is mangled too.
        mangle: { keep_classnames: true, keep_fnames: true, topLevel: true, reserved: await selfReferringClasses(code) },
        module: options.format === 'es',
        sourceMap: true,
        format: { comments: 'some' },
      });
      return { code: r.code, map: r.map ? JSON.parse(r.map) : null };
    },
  };
}
