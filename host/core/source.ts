// Where the compiled core comes from, in any runtime: a compiled module, the wasm bytes,
// or a URL (fetched: http(s), data:, blob:, and file: where the runtime's fetch reads
// files, as Deno and Bun do). Compilation is asynchronous because browsers refuse to
// compile modules over 4 KB synchronously on the main thread. Each entry point registers
// its default (Node: the file beside the build; browser: bytes inlined in the bundle),
// so callers normally pass nothing.

import { QuicArgumentError } from '../errors';

export type CoreSource = WebAssembly.Module | BufferSource | URL | string;

let defaultSource: (() => CoreSource | Promise<CoreSource>) | null = null;

/** Sets what compileCore() loads when given nothing (called by the runtime entry points). */
export function setDefaultCoreSource(source: () => CoreSource | Promise<CoreSource>): void {
  defaultSource = source;
}

let fileReader: ((path: string) => Uint8Array | Promise<Uint8Array>) | null = null;

/** Lets strings without a fetchable scheme (file paths, file: URLs) be read from disk (Node entry). */
export function setCoreFileReader(read: (path: string) => Uint8Array | Promise<Uint8Array>): void {
  fileReader = read;
}

const compiled = new WeakMap<object, Promise<WebAssembly.Module>>();

/** Compiles the core from `source` (default: the entry point's). Compiles each bytes/URL object once. */
export async function compileCore(source?: CoreSource): Promise<WebAssembly.Module> {
  if (source === undefined) {
    if (!defaultSource) throw new QuicArgumentError('no default core source in this build: pass the wasm as a URL, bytes or WebAssembly.Module');
    source = await defaultSource();
  }
  if (source instanceof WebAssembly.Module) return source;
  if (typeof source === 'string' || source instanceof URL) return compileUrl(String(source));
  const key = source as object;
  let p = compiled.get(key);
  if (!p) {
    p = WebAssembly.compile(source);
    compiled.set(key, p);
  }
  return p;
}

const byUrl = new Map<string, Promise<WebAssembly.Module>>();

function compileUrl(url: string): Promise<WebAssembly.Module> {
  let p = byUrl.get(url);
  if (!p) {
    p = (async () => {
      if (fileReader && (url.startsWith('file:') || !/^[a-z][a-z0-9+.-]*:/i.test(url) || /^[a-z]:[\\/]/i.test(url))) {
        return WebAssembly.compile((await fileReader(url)) as Uint8Array<ArrayBuffer>);
      }
      const res = await fetch(url);
      if (!res.ok) throw new QuicArgumentError(`cannot load the quicwasm core from ${url}: HTTP ${res.status}`);
      return WebAssembly.compile(await res.arrayBuffer());
    })();
    byUrl.set(url, p);
    p.catch(() => byUrl.delete(url));
  }
  return p;
}
