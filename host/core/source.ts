// Where the compiled core comes from, in any runtime: a compiled module, the wasm bytes,
// or a URL (fetched: http(s), data:, blob:, and file: where the runtime's fetch reads
// files, as Deno and Bun do). Compilation is asynchronous because browsers refuse to
// compile modules over 4 KB synchronously on the main thread. Each entry point registers
// its default (the package's one dist/core.wasm beside the bundle: read from disk by the
// Node entry, fetched by the browser entry), so callers normally pass nothing;
// setCoreSource() replaces it for bundles that cannot ship that file.

import { QuicArgumentError, QuicError } from '../errors';

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

let chosen: CoreSource | null = null;

/**
 * Uses `source` as the core wherever none is given: compileCore() with no argument, and
 * (Node entry) listen(), connect() and loadCoreModule(). For bundles that cannot ship the
 * package's dist/core.wasm beside them: pass the wasm bytes (e.g. imported by the
 * bundler as an asset or base64), a compiled WebAssembly.Module, or the URL it is served
 * from. Call it before the first connection. (Node's listen()/connect() compile
 * synchronously, so there a URL must be a file: URL or a path; fetch others with
 * compileCore(url) and pass the module.)
 */
export function setCoreSource(source: CoreSource): void {
  const ok = source instanceof WebAssembly.Module || source instanceof URL || typeof source === 'string'
    || source instanceof ArrayBuffer || ArrayBuffer.isView(source);
  if (!ok) throw new QuicArgumentError(`setCoreSource() takes a WebAssembly.Module, the wasm bytes, a URL or a path, not ${source === null ? 'null' : typeof source}`);
  chosen = source;
}

/** What setCoreSource() chose, or null (the entry point's default applies). */
export function chosenCoreSource(): CoreSource | null {
  return chosen;
}

const compiled = new WeakMap<object, Promise<WebAssembly.Module>>();

/** Compiles the core from `source` (default: the entry point's). Compiles each bytes/URL object once. */
export async function compileCore(source?: CoreSource): Promise<WebAssembly.Module> {
  if (source === undefined && chosen !== null) source = chosen;
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

/** How to fix a core that cannot be loaded (every such message ends with it). */
export const SHIP_HINT = '. Keep the package\'s dist/core.wasm beside the bundle (a web server serves it there too), or call setCoreSource() with the wasm bytes or module first';

const byUrl = new Map<string, Promise<WebAssembly.Module>>();

function compileUrl(url: string): Promise<WebAssembly.Module> {
  let p = byUrl.get(url);
  if (!p) {
    p = (async () => {
      if (fileReader && (url.startsWith('file:') || !/^[a-z][a-z0-9+.-]*:/i.test(url) || /^[a-z]:[\\/]/i.test(url))) {
        return WebAssembly.compile((await fileReader(url)) as Uint8Array<ArrayBuffer>);
      }
      let res: Response;
      try {
        res = await fetch(url);
      } catch (err) {
        throw new QuicError('ERR_QUIC_CORE_MISSING', `cannot load the quicwasm core from ${url}: ${(err as Error).message}${SHIP_HINT}`, undefined, { cause: err });
      }
      if (!res.ok) throw new QuicError('ERR_QUIC_CORE_MISSING', `cannot load the quicwasm core from ${url}: HTTP ${res.status}${SHIP_HINT}`);
      // Streaming compilation overlaps download and compile, but browsers insist on the
      // application/wasm MIME type for it; a server that says otherwise gets the bytes path.
      const type = res.headers.get('content-type') ?? '';
      if (typeof WebAssembly.compileStreaming === 'function' && /^application\/wasm\b/i.test(type)) return WebAssembly.compileStreaming(res);
      return WebAssembly.compile(await res.arrayBuffer());
    })();
    byUrl.set(url, p);
    p.catch(() => byUrl.delete(url));
  }
  return p;
}
