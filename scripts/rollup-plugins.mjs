// Rollup plugins shared by the package build (rollup.config.mjs) and the runtime-checks
// bundle (rollup.checks.mjs).
import { readFileSync } from 'node:fs';

const CORE_ID = '\0quicwasm-bundled-core';

/** Replaces host/core/bundled-core.ts with the release wasm (dist/core.wasm) as base64. */
export function inlineCore() {
  return {
    name: 'quicwasm-inline-core',
    resolveId(id) {
      return id.endsWith('/bundled-core') || id.endsWith('/bundled-core.ts') ? CORE_ID : null;
    },
    load(id) {
      if (id !== CORE_ID) return null;
      const b64 = readFileSync('dist/core.wasm').toString('base64');
      return `const B64 = ${JSON.stringify(b64)};
let bytes = null;
export const bundledCoreBytes = () => {
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
