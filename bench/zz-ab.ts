import { memoryTransfer } from './transport-memory';
import { nodeCryptoProvider } from '../host/crypto/node-provider';
(async () => { for (let r = 0; r < 3; r++) for (const b of [false, true]) { const x = await memoryTransfer(16, nodeCryptoProvider, b); console.log(b ? 'batched ' : 'per-dgram', x.mbps.toFixed(0), 'Mbit/s', x.cpuMsPerMB.toFixed(1), 'ms/MB', x.ok); } })();
