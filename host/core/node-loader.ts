// Finds and loads the core's .wasm from disk under Node, Deno and Bun (node:fs).
import { readFileSync, existsSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { instantiateCore, type Core, type CoreImports } from './core';
import { bundledCoreBytes } from './bundled-core';

/** release: the shipped build; debug: with assertions and names; testing: debug plus test probes (build/, never shipped). */
export type CoreBuild = 'release' | 'debug' | 'testing';

const cached: Partial<Record<CoreBuild, WebAssembly.Module>> = {};

/**
 * Path of a built core (dist/core.wasm, dist/core.debug.wasm or build/core.testing.wasm),
 * found upwards from this file (CommonJS) or from the working directory (an ESM consumer,
 * where the installed package's dist/ is looked for under node_modules/quicwasm).
 */
export function coreWasmPath(build: CoreBuild = 'release'): string {
  const file = build === 'release' ? 'core.wasm' : build === 'debug' ? 'core.debug.wasm' : 'core.testing.wasm';
  // __dirname exists in CommonJS (source under jest/tsx, dist/index.cjs), not in the ESM build.
  let dir = typeof __dirname === 'string' ? __dirname : process.cwd();
  for (let i = 0; i < 6; i++) {
    for (const candidate of [join(dir, file), join(dir, 'dist', file), join(dir, 'build', file), join(dir, 'node_modules', 'quicwasm', 'dist', file)]) {
      if (existsSync(candidate)) return candidate;
    }
    dir = dirname(dir);
  }
  throw new Error(`cannot find ${file}: run "npm run asbuild" (or "npm install") first`);
}

/** Compiles the core once per process and returns a fresh instance. */
export function loadCoreNode(build: CoreBuild = 'release', imports: CoreImports = {}): Core {
  let module = cached[build];
  if (!module) {
    // The package builds carry the release core inline: no file to find at all.
    const bytes = build === 'release' && bundledCoreBytes ? bundledCoreBytes() : readFileSync(coreWasmPath(build));
    module = new WebAssembly.Module(bytes);
    cached[build] = module;
  }
  return instantiateCore(module, imports);
}
