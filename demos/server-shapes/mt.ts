// Shape 5, seed 000 "mt" (multithreaded, "MT isolated async"): worker_threads, each with
// its own endpoint; each connection lives in one worker for its whole life. The main
// thread owns the UDP socket and hands each datagram to the worker that owns its
// connection, found from the destination connection ID alone (cidOwner): the CIDs a
// worker issues carry its id, and a client's first Initials (a CID the client chose) go by
// a hash of that CID. Workers post what they send back to the main thread.
//   npx tsx demos/server-shapes/mt.ts [--connections 20 --streams 4 --bytes 32768 --workers 2]
import * as dgram from 'node:dgram';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { cidOwner } from '../../host/index';
import type { Served } from './echo';
import { runClients, DEFAULT_LOAD, type ClientLoad } from './client';
import { demoCertificate, main, result, udpClient, type ShapeResult } from './common';

/** A worker thread running mt-thread.ts (through tsx, so the demo runs from source). */
function spawnThread(workerData: unknown): Worker {
  return new Worker(`require('tsx/cjs'); require(${JSON.stringify(join(__dirname, 'mt-thread.ts'))});`, { eval: true, workerData });
}

export async function run(load: ClientLoad = DEFAULT_LOAD, threads = 2): Promise<ShapeResult> {
  const { certPem, keyPem, ...certificate } = demoCertificate();
  const socket = dgram.createSocket('udp4');
  await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', resolve));
  const served: Served[][] = [];
  const routed = new Array<number>(threads).fill(0);
  const workers = await Promise.all(Array.from({ length: threads }, (_, workerId) => new Promise<Worker>((resolve, reject) => {
    const w = spawnThread({ workerId, certPem, keyPem });
    w.on('error', reject);
    w.on('message', (m) => {
      if (m.type === 'out') socket.send(m.data, m.to.port, m.to.address);
      else if (m.type === 'ready') resolve(w);
      else if (m.type === 'done') served[workerId] = m.served;
    });
  })));

  // The router: one datagram, one owner, no table.
  socket.on('message', (msg, rinfo) => {
    const data = new Uint8Array(msg); // a copy with its own buffer, transferred to the worker
    const owner = cidOwner(data, { workers: threads });
    if (owner < 0) return;
    routed[owner]++;
    workers[owner].postMessage({ type: 'in', data, from: { address: rinfo.address, port: rinfo.port } }, [data.buffer]);
  });

  const report = await runClients(udpClient(certificate, () => ({ address: '127.0.0.1', port: (socket.address() as { port: number }).port })), load);
  const exits = workers.map((w) => new Promise<number>((resolve) => w.once('exit', resolve)));
  for (const w of workers) w.postMessage({ type: 'stop' });
  const codes = await Promise.all(exits);
  socket.close();
  const per = served.map((s, i) => `worker ${i}: ${s?.length ?? 0} connections, ${routed[i]} datagrams`).join(', ');
  if (codes.some((c) => c !== 0)) report.errors.push(`worker exit codes ${codes.join(', ')}`);
  return result('mt', report, served.flat(), load, per);
}

if (require.main === module) {
  const i = process.argv.indexOf('--workers');
  main((load) => run(load, i > 0 ? Number(process.argv[i + 1]) : 2));
}
