// Finds and loads the core's .wasm from disk under Node, Deno and Bun (node:fs).
import { readFileSync, existsSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { instantiateCore, type Core, type CoreImports } from './core';

let cached: { release?: WebAssembly.Module; debug?: WebAssembly.Module } = {};

/** Path of the built core: dist/core.wasm (release) or dist/core.debug.wasm, found upwards from here. */
export function coreWasmPath(build: 'release' | 'debug' = 'release'): string {
  const file = build === 'release' ? 'core.wasm' : 'core.debug.wasm';
  let dir = __dirname;
  for (let i = 0; i < 6; i++) {
    for (const candidate of [join(dir, file), join(dir, 'dist', file)]) {
      if (existsSync(candidate)) return candidate;
    }
    dir = dirname(dir);
  }
  throw new Error(`cannot find ${file}: run "npm run asbuild" (or "npm install") first`);
}

/** Compiles the core once per process and returns a fresh instance. */
export function loadCoreNode(build: 'release' | 'debug' = 'release', imports: CoreImports = {}): Core {
  let module = cached[build];
  if (!module) {
    module = new WebAssembly.Module(readFileSync(coreWasmPath(build)));
    cached = { ...cached, [build]: module };
  }
  return instantiateCore(module, imports);
}
