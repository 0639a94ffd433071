// The package entry: the public surface of quicwasm.
export * from './errors';
export { Core, instantiateCore } from './core/core';
export type { CoreExports, CoreImports } from './core/core';
export { loadCoreNode, coreWasmPath } from './core/node-loader';
