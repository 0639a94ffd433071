// The testing build's probes (assembly/testing/) as plain functions of numbers.
import { loadCoreNode } from '../../host/core/node-loader';
import { CoreCrypto } from '../../host/crypto/core-imports';

export type Probe = (...a: number[]) => number;

/** A fresh instance of build/core.testing.wasm; `x.name(...)` calls an export. */
export function testingCore() {
  const crypto = new CoreCrypto();
  const core = loadCoreNode('testing', crypto.imports());
  crypto.bind(core.exports.memory);
  const x = core.exports as unknown as Record<string, Probe>;
  const scratch = () => new Uint8Array((core.exports.memory as WebAssembly.Memory).buffer, core.scratchPtr, core.scratchCapacity);
  return { core, x, crypto, scratch };
}
