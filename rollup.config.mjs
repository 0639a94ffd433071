// Builds dist/: ESM and CommonJS bundles of the host plus type declarations.
// The wasm (dist/core.wasm) is built by asc beside them and loaded at run time.
import typescript from '@rollup/plugin-typescript';
import { dts } from 'rollup-plugin-dts';

const external = (id) => id.startsWith('node:') || id.startsWith('@noble/');

export default [
  {
    input: 'host/index.ts',
    external,
    output: [
      { file: 'dist/index.mjs', format: 'es', sourcemap: true },
      { file: 'dist/index.cjs', format: 'cjs', sourcemap: true, exports: 'named' },
    ],
    plugins: [typescript({ tsconfig: './tsconfig.json', noEmit: false, declaration: false, include: ['host/**/*.ts'], compilerOptions: { types: ['node'] } })],
  },
  {
    input: 'host/index.ts',
    external,
    output: { file: 'dist/index.d.ts', format: 'es' },
    plugins: [dts({ compilerOptions: { types: ['node'] } })],
  },
];
