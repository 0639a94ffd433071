// A rollup plugin for the .d.ts bundles: the declarations must compile for a consumer
// with only `lib: ["es2022"]` and @types/node (no DOM lib), where neither the
// `WebAssembly` namespace nor `BufferSource` exists. Each use becomes an alias that is
// the real type where the consumer's libs declare it (DOM, Deno, Bun) and a plain
// object type otherwise: the same conditional-type trick @types/node uses for its web
// globals. Symbol.asyncDispose is declared as lib esnext.disposable declares it, for
// consumers on an older lib without @types/node. test/api/types.test.ts compiles
// consumers with each combination.

const WASM_NAMES = ['Module', 'Memory', 'Instance', 'ImportValue'];

const PRELUDE = `/** The runtime's WebAssembly namespace when the consumer's libs declare it (DOM, Deno, Bun). */
type WasmNamespace_ = typeof globalThis extends { WebAssembly: infer W } ? W : never;
/** The Module type of WebAssembly, or an opaque object where no lib declares it. */
type WasmModule_ = WasmNamespace_ extends { Module: abstract new (...args: any[]) => infer M } ? M : object;
/** The Memory type of WebAssembly, or what quicwasm uses of one. */
type WasmMemory_ = WasmNamespace_ extends { Memory: abstract new (...args: any[]) => infer M } ? M : { readonly buffer: ArrayBuffer };
/** The Instance type of WebAssembly, or what quicwasm uses of one. */
type WasmInstance_ = WasmNamespace_ extends { Instance: abstract new (...args: any[]) => infer I } ? I : { readonly exports: Record<string, unknown> };
/** An import value (functions, memories, globals, tables). */
type WasmImportValue_ = unknown;
/** What the DOM lib calls a buffer source. */
type BufferSource_ = ArrayBuffer | ArrayBufferView;
declare global {
  /** Symbol.asyncDispose for \`await using\` (lib esnext.disposable and @types/node declare it the same way; the runtime value is polyfilled). */
  interface SymbolConstructor {
    readonly asyncDispose: unique symbol;
  }
}
`;

export function portableDts() {
  return {
    name: 'quicwasm-portable-dts',
    renderChunk(code) {
      let out = code;
      for (const n of WASM_NAMES) out = out.replace(new RegExp(`\\bWebAssembly\\.${n}\\b`, 'g'), `Wasm${n}_`);
      out = out.replace(/\bBufferSource\b/g, 'BufferSource_');
      if (/\bWebAssembly\.[A-Z]/.test(out)) throw new Error(`dts: a WebAssembly type without a portable alias: ${out.match(/\bWebAssembly\.[A-Za-z]+/)[0]}`);
      return { code: PRELUDE + out, map: null };
    },
  };
}
