// Finds and loads the core's .wasm from disk under Node, Deno and Bun (node:fs). The
// package ships one dist/core.wasm beside its bundles; each bundle knows where it is
// (packaged-core.ts: `new URL('./core.wasm', import.meta.url)`, which rollup turns into
// the file's own URL in the CommonJS build). From source (jest, tsx) the build output
// is found upwards from this file.
import { readFileSync, existsSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { instantiateCore, type Core, type CoreImports } from './core';
import { packagedCore } from './packaged-core';
import { chosenCoreSource, SHIP_HINT } from './source';
import { QuicError } from '../errors';

/** release: the shipped build; debug: with assertions and names; testing: debug plus test probes (build/, never shipped). */
export type CoreBuild = 'release' | 'debug' | 'testing';

const cached: Partial<Record<CoreBuild, WebAssembly.Module>> = {};

const FILES: Record<CoreBuild, string> = { release: 'core.wasm', debug: 'core.debug.wasm', testing: 'core.testing.wasm' };

/** The directory of the package's dist/ when running from a bundle (a file: URL), else null. */
function bundleDir(): string | null {
  const p = packagedCore?.();
  return p instanceof URL && p.protocol === 'file:' ? dirname(fileURLToPath(p)) : null;
}

/**
 * Path of a built core: the release core.wasm shipped beside the bundle that runs, or
 * (debug and testing builds, and from source) dist/core.wasm, dist/core.debug.wasm or
 * build/core.testing.wasm found upwards from there.
 */
export function coreWasmPath(build: CoreBuild = 'release'): string {
  const file = FILES[build];
  const beside = bundleDir();
  if (beside && build === 'release') return join(beside, file);
  // __dirname: this file's folder from source (jest and tsx run it as CommonJS).
  let dir = beside ?? (typeof __dirname === 'string' ? __dirname : process.cwd());
  for (let i = 0; i < 6; i++) {
    for (const candidate of [join(dir, file), join(dir, 'dist', file), join(dir, 'build', file)]) {
      if (existsSync(candidate)) return candidate;
    }
    dir = dirname(dir);
  }
  throw new QuicError('ERR_QUIC_CORE_MISSING', `cannot find ${file}: run "npm run asbuild" in a checkout (a package ships dist/core.wasm)`);
}

/** Reads a core file, with an error that says what to do when it is not there. */
function readCore(path: string | URL): Uint8Array<ArrayBuffer> {
  try {
    return readFileSync(path) as Uint8Array<ArrayBuffer>;
  } catch (err) {
    throw new QuicError('ERR_QUIC_CORE_MISSING', `cannot read the quicwasm core at ${String(path)} (${(err as { code?: string }).code ?? (err as Error).message})${SHIP_HINT}`, undefined, { cause: err });
  }
}

/** Reads the wasm bytes of a file path or a file: URL (string or URL). */
export function readCoreFile(path: string | URL): Uint8Array<ArrayBuffer> {
  return readCore(typeof path === 'string' && path.startsWith('file:') ? new URL(path) : path);
}

/** The release core's bytes: the file beside the bundle, the inline test-bundle bytes, or the build output. */
export function releaseCoreBytes(): Uint8Array<ArrayBuffer> {
  const p = packagedCore?.();
  if (p instanceof URL) {
    if (p.protocol !== 'file:') throw new QuicError('ERR_QUIC_CORE_MISSING', `the core beside this bundle is at ${p.href}, not a file: load it with await compileCore(), or call setCoreSource()`);
    return readCore(p);
  }
  return p ?? readCore(coreWasmPath('release'));
}

let chosenModule: { from: object | string; module: WebAssembly.Module } | null = null;

/**
 * The release core compiled synchronously (Node, Deno and Bun allow it): what
 * setCoreSource() chose, else the packaged core. Compiled once per source.
 */
export function releaseCoreModule(): WebAssembly.Module {
  const chosen = chosenCoreSource();
  if (chosen === null) return (cached.release ??= new WebAssembly.Module(releaseCoreBytes()));
  if (chosen instanceof WebAssembly.Module) return chosen;
  const from = chosen instanceof URL ? chosen.href : chosen;
  if (chosenModule?.from !== from) {
    let bytes: BufferSource;
    if (typeof chosen === 'string' || chosen instanceof URL) {
      const url = String(chosen);
      if (/^[a-z][a-z0-9+.-]*:/i.test(url) && !url.startsWith('file:') && !/^[a-z]:[\\/]/i.test(url)) {
        throw new QuicError('ERR_QUIC_CORE_MISSING', `listen() and connect() compile the core synchronously and cannot fetch ${url}: pass setCoreSource() the module from await compileCore(url)`);
      }
      bytes = readCoreFile(chosen);
    } else {
      bytes = chosen;
    }
    chosenModule = { from, module: new WebAssembly.Module(bytes) };
  }
  return chosenModule.module;
}

/** Compiles the core once per process and returns a fresh instance. */
export function loadCoreNode(build: CoreBuild = 'release', imports: CoreImports = {}): Core {
  const module = build === 'release' ? releaseCoreModule() : (cached[build] ??= new WebAssembly.Module(readCore(coreWasmPath(build))));
  return instantiateCore(module, imports);
}
