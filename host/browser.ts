// The browser entry: the portable surface, with the core inlined in the bundle as the
// default source, so `await compileCore()` needs no URL. No Node built-in is reachable
// from here (test/portability/imports.test.ts walks the graph).

import { bundledCoreBytes } from './core/bundled-core';
import { setDefaultCoreSource } from './core/source';
import { QuicArgumentError } from './errors';

export * from './portable';

setDefaultCoreSource(() => {
  if (!bundledCoreBytes) throw new QuicArgumentError('this build has no inlined core: pass compileCore() a URL or the wasm bytes');
  return bundledCoreBytes();
});
