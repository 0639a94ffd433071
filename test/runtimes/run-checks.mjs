// Runs the runtime checks bundle under whatever runtime executes this file (node, deno,
// bun) and prints one JSON line: the runtime, the vector results for the portable
// backend and, where node:crypto exists, the native one, and a simulator transfer.
//   node test/runtimes/run-checks.mjs [bytes] [loss] [provider=portable|native]
import * as checks from '../../build/runtime-checks.mjs';

const bytes = Number(globalThis.process?.argv?.[2] ?? 1 << 20);
const loss = Number(globalThis.process?.argv?.[3] ?? 0);
const which = globalThis.process?.argv?.[4] ?? 'portable';

const runtime = globalThis.Deno ? `deno ${Deno.version.deno}` : globalThis.Bun ? `bun ${Bun.version}` : `node ${process.versions.node}`;
// The native backend comes from the package's Node entry (node:crypto; Deno and Bun provide it).
const { nodeCryptoProvider } = await import('../../dist/index.mjs');
const vectors = { portable: checks.rfcVectors(checks.portableCryptoProvider), native: checks.rfcVectors(nodeCryptoProvider), inCore: await checks.inCoreVectors() };
const provider = which === 'native' ? nodeCryptoProvider : checks.portableCryptoProvider;
const t = await checks.simulatorTransfer({ bytes, provider, link: loss ? { loss } : {} });
delete t.samples;
console.log(JSON.stringify({ runtime, vectors, transfer: { ...t, provider: provider.name, loss } }));
