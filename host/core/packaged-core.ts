// Where a build finds its release core. From source (jest, tsx) this is null and the
// entry points read the build output from disk. rollup replaces this module:
//   - the package builds (rollup.config.mjs, coreBeside()): the URL of the one core.wasm
//     shipped beside the bundle, `new URL('./core.wasm', import.meta.url)`, a form that
//     bundlers (Vite, webpack 5, Parcel) recognise and copy (others: setCoreSource());
//   - the test bundles (rollup.checks.mjs, inlineCore()): the bytes inline, so one file
//     runs in Node, Deno, Bun and Chromium.
/** The packaged core: a URL beside the bundle, inline bytes, or null (running from source). */
export const packagedCore: (() => URL | Uint8Array<ArrayBuffer>) | null = null;
