// The worker_threads entry of the mt shape: datagrams from the parent in, datagrams to
// send back out, a report when told to stop.
import { parentPort, workerData } from 'node:worker_threads';
import { startWorker, type WorkerSetup } from './mt-worker';

const port = parentPort!;
const worker = startWorker(workerData as WorkerSetup, (d) => port.postMessage({ type: 'out', data: d.data, to: d.to }, [d.data.buffer as ArrayBuffer]));
port.on('message', (m: { type: 'in'; data: Uint8Array; from: { address: string; port: number } } | { type: 'stop' }) => {
  if (m.type === 'in') worker.receive(m.data, m.from);
  else void worker.stop().then((served) => { port.postMessage({ type: 'done', served }); port.close(); });
});
port.postMessage({ type: 'ready' });
