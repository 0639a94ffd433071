// The runtime-checks bundle and the browser harness app (test and demo only, never shipped): test/runtimes/checks.ts with the
// core inlined and @noble/* bundled, so Node, Deno, Bun and Chromium run the same file.
import typescript from '@rollup/plugin-typescript';
import { nodeResolve } from '@rollup/plugin-node-resolve';
import { inlineCore, json } from './scripts/rollup-plugins.mjs';

const plugins = () => [
  inlineCore(), json(), nodeResolve({ browser: true, preferBuiltins: false }),
  typescript({ tsconfig: './tsconfig.json', noEmit: false, declaration: false, include: ['host/**/*.ts', 'test/runtimes/*.ts', 'demos/browser-harness/*.ts'], compilerOptions: { types: ['node'] } }),
];

export default [
  { input: 'test/runtimes/checks.ts', output: { file: 'build/runtime-checks.mjs', format: 'es' }, plugins: plugins() },
  // The browser harness page's app (demos/browser-harness).
  { input: 'demos/browser-harness/app.ts', output: { file: 'build/harness-app.mjs', format: 'es' }, plugins: plugins() },
];
