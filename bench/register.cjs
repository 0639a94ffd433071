// A require hook that runs the TypeScript sources as plain transpiled JavaScript, the way
// the published bundle runs, for benches: `node --require ./bench/register.cjs bench/x.ts`.
// tsx (the dev loader) compiles with esbuild's keepNames, which wraps every function made
// at run time in a defineProperty('name') call: per-connection closures then each carry
// a property array (~0.25 KB) and every closure costs a call, so figures taken under tsx
// overstate the library's memory and CPU. This hook transpiles with @swc/core (already a
// dev dependency, through @swc/jest) and nothing else: types stripped, modules to CommonJS.
'use strict';
const { readFileSync } = require('node:fs');
const { transformSync } = require('@swc/core');

function compile(module, filename) {
  const { code } = transformSync(readFileSync(filename, 'utf8'), {
    filename,
    sourceMaps: 'inline',
    jsc: { parser: { syntax: 'typescript' }, target: 'es2022', keepClassNames: true },
    module: { type: 'commonjs', ignoreDynamic: true },
  });
  module._compile(code, filename);
}
require.extensions['.ts'] = compile;
