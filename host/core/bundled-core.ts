// The release core inlined into the package builds. From source (jest, tsx) this is null
// and the entry points read build output from disk instead; rollup.config.mjs replaces
// this module with one that decodes the wasm from base64 (96 KB of wasm, ~129 KB of text),
// so every runtime gets the core without file paths, URLs or bundler configuration.
export const bundledCoreBytes: (() => Uint8Array<ArrayBuffer>) | null = null;
