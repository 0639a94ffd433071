// Builds dist/ (npm run build; prepack runs it), minified (swc) with source maps:
//   index.mjs              the Node entry (Deno and Bun load it too), @noble/* and node:* external
//   index.cjs              the same for require(): @noble/* bundled (they ship ESM only, and
//                          require() of ESM needs Node ≥ 20.19; it also costs ≈ 40 ms of import)
//   browser.mjs            the browser entry: @noble/* bundled, no import at all
//   index.d.ts, browser.d.ts  type declarations
//   core.wasm              the release core (asc), which every bundle loads from beside itself
// The release core ships once, as dist/core.wasm: coreBeside() replaces
// host/core/packaged-core.ts in every build with `new URL('./core.wasm', import.meta.url)`,
// which the Node entry reads from disk and the browser entry fetches.
import typescript from '@rollup/plugin-typescript';
import { nodeResolve } from '@rollup/plugin-node-resolve';
import { dts } from 'rollup-plugin-dts';
import { fileURLToPath } from 'node:url';
import { coreBeside, minify } from './scripts/rollup-plugins.mjs';
import { portableDts } from './scripts/dts-portable.mjs';

const ts = () => typescript({ tsconfig: './tsconfig.json', noEmit: false, declaration: false, include: ['host/**/*.ts'], compilerOptions: { types: ['node'] } });
const libraryEntry = fileURLToPath(new URL('./host/index.ts', import.meta.url));
/** Resolves the CLI's `../index` imports to the library entry's absolute path, which is external. */
const resolveLibraryEntry = () => ({
  name: 'resolve-library-entry',
  resolveId(source, importer) {
    if (importer && source === '../index' && importer.includes('/host/cli/')) return { id: libraryEntry, external: true };
    return null;
  },
});
const nodeExternal = (id) => id.startsWith('node:') || id.startsWith('@noble/');

export default [
  {
    input: 'host/index.ts',
    external: nodeExternal,
    output: { file: 'dist/index.mjs', format: 'es', sourcemap: true },
    plugins: [coreBeside(), ts(), minify()],
  },
  {
    input: 'host/index.ts',
    external: (id) => id.startsWith('node:'),
    output: { file: 'dist/index.cjs', format: 'cjs', sourcemap: true, exports: 'named' },
    plugins: [coreBeside(), nodeResolve({ preferBuiltins: true }), ts(), minify()],
  },
  {
    // The `quicwasm` command (package.json "bin"); the shebang comes from the banner. It
    // imports the library through host/index.ts, which stays external (./index.mjs), so
    // the core and the library are not bundled twice.
    input: 'host/cli/main.ts',
    external: (id) => nodeExternal(id) || id === libraryEntry,
    output: { file: 'dist/cli.mjs', format: 'es', sourcemap: true, banner: '#!/usr/bin/env node', paths: { [libraryEntry]: './index.mjs' } },
    plugins: [resolveLibraryEntry(), ts()],
  },
  {
    input: 'host/browser.ts',
    // Anything from node: here is a bug; rollup fails the build on an unresolved import.
    output: { file: 'dist/browser.mjs', format: 'es', sourcemap: true },
    plugins: [coreBeside(), nodeResolve({ browser: true, preferBuiltins: false }), ts(), minify()],
  },
  {
    input: 'host/index.ts',
    external: nodeExternal,
    output: { file: 'dist/index.d.ts', format: 'es' },
    // stripInternal: members marked @internal (the core's plumbing) stay out of the public types.
    plugins: [dts({ compilerOptions: { types: ['node'], stripInternal: true } }), portableDts()],
  },
  {
    input: 'host/browser.ts',
    external: (id) => id.startsWith('@noble/'),
    output: { file: 'dist/browser.d.ts', format: 'es' },
    plugins: [dts({ compilerOptions: { types: [], stripInternal: true } }), portableDts()],
  },
];
