// Field bytes and block size of the core's main classes (diagnostics for issue 17's
// half-open budget): a block is its fields plus a 20-byte header, rounded up to 16, so
// the "trim" column says how many bytes would save one 16-byte step.
//   node --require ./bench/register.cjs scripts/class-payloads.ts
import { loadCoreNode } from '../host/core/node-loader';
const names = ['Connection','PacketSpace','Config','TransportParams','AckTracker','SendBuffer','RecvBuffer','RangeSet','RttEstimator','CC','Pacer','ConnectionIds','TimerTable','SentQueue','Uint8Array','Array<u64>','Map<u64,i32>','ArrayBuffer','SA<u8>','SA<u64>','SA<i32>','LocalCid','PeerCid','Array<LocalCid>','Array<PeerCid>','Path','KeyPhase','WireBits','Pending','SA<f64>','Array<Uint8Array>','SA<PacketSpace>','Array<i32>','HyStart','Pmtud','PathCounters','CryptoSendBuffer'];
const ex = loadCoreNode('testing').exports as unknown as { testClassPayload(k: number): number };
console.log('class'.padEnd(18), 'fields', 'block', 'trim');
names.forEach((name, k) => {
  const p = ex.testClassPayload(k);
  if (!p) return;
  const block = Math.ceil((p + 20) / 16) * 16;
  console.log(name.padEnd(18), String(p).padStart(6), String(block).padStart(5), String(p + 20 - (block - 16)).padStart(4));
});
