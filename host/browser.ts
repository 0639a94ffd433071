// The browser entry: the portable surface, with the package's core.wasm (shipped beside
// this bundle) as the default source, so `await compileCore()` fetches it with no URL
// given; setCoreSource() replaces it where that file cannot be served. No Node built-in
// is reachable from here (test/portability/imports.test.ts walks the graph).

import { packagedCore } from './core/packaged-core';
import { setDefaultCoreSource } from './core/source';
import { QuicError } from './errors';

export * from './portable';

setDefaultCoreSource(() => {
  const p = packagedCore?.();
  if (!p) throw new QuicError('ERR_QUIC_CORE_MISSING', 'running from source, this entry knows no core.wasm: pass compileCore() a URL or the wasm bytes, or call setCoreSource()');
  return p;
});
