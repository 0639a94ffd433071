// Shape 6, seed 000 "prefork": several processes behind one UDP port, started before any
// connection arrives (node:cluster). Node 20's node:dgram has no SO_REUSEPORT; in a
// cluster every process receives from the primary's one shared socket, so any process
// may get any datagram. Each one owns the connections whose CIDs carry its id (cidRouting)
// and forwards the rest to their owner through the primary; the owner is a function of
// the datagram's destination CID alone (cidOwner), so every process agrees without a
// shared table. Every process sends its own replies on the shared socket.
//   npx tsx demos/server-shapes/prefork.ts [--connections 20 --streams 4 --bytes 32768 --workers 2]
import cluster, { type Worker } from 'node:cluster';
import { join } from 'node:path';
import type { Served } from './echo';
import { runClients, DEFAULT_LOAD, type ClientLoad } from './client';
import { demoCertificate, main, result, udpClient, type ShapeResult } from './common';

interface Report { served: Served[]; direct: number; forwarded: number }

export async function run(load: ClientLoad = DEFAULT_LOAD, processes = 2): Promise<ShapeResult> {
  const { certPem, keyPem, ...certificate } = demoCertificate();
  // The processes run prefork-process.ts from source (tsx); IPC carries bytes as bytes.
  cluster.setupPrimary({ exec: join(__dirname, 'prefork-process.ts'), execArgv: ['--import', 'tsx'], serialization: 'advanced', silent: false } as Parameters<typeof cluster.setupPrimary>[0]);
  const reports: Report[] = [];
  const workers: Worker[] = [];
  try {
    return await serve(load, processes, certificate, certPem, keyPem, workers, reports);
  } finally {
    for (const w of workers) if (!w.isDead()) w.kill(); // only after a failure: stop() ends them otherwise
  }
}

async function serve(load: ClientLoad, processes: number, certificate: Parameters<typeof udpClient>[0], certPem: string, keyPem: string, workers: Worker[], reports: Report[]): Promise<ShapeResult> {
  const ports: number[] = [];
  // Every process binds 127.0.0.1 port 0: the cluster primary makes one socket for that
  // (address, port) and shares it, so all of them get the same port. (Binding the port the
  // first one got, from a second process, would ask the primary for a second socket.)
  for (let id = 0; id < processes; id++) {
    const w = cluster.fork({ SHAPE_WORKER: String(id), SHAPE_WORKERS: String(processes), SHAPE_CERT: certPem, SHAPE_KEY: keyPem, SHAPE_PORT: '0' });
    workers.push(w);
    w.on('message', (m) => {
      if (m.type === 'fwd') workers[m.owner].send({ type: 'in', data: m.data, from: m.from });
      else if (m.type === 'done') reports[id] = m;
    });
    ports[id] = await new Promise<number>((resolve, reject) => {
      w.on('message', (m) => { if (m.type === 'ready') resolve(m.port); });
      w.once('exit', (code) => reject(new Error(`process ${id} exited with code ${code} before it was ready`)));
    });
  }

  const port = ports[0];
  if (ports.some((p) => p !== port)) throw new Error(`the processes did not share one port: ${ports.join(', ')}`);
  const report = await runClients(udpClient(certificate, () => ({ address: '127.0.0.1', port })), load);
  const exits = workers.map((w) => new Promise<number>((resolve) => w.once('exit', (code) => resolve(code ?? 0))));
  for (const w of workers) w.send({ type: 'stop' });
  const codes = await Promise.all(exits);
  if (codes.some((c) => c !== 0)) report.errors.push(`process exit codes ${codes.join(', ')}`);
  const per = reports.map((r, i) => `process ${i}: ${r?.served.length ?? 0} connections, ${r?.direct ?? 0} datagrams direct, ${r?.forwarded ?? 0} forwarded on`).join('; ');
  return result('prefork', report, reports.flatMap((r) => r?.served ?? []), load, `port ${port}; ${per}`);
}

if (require.main === module && cluster.isPrimary) {
  const i = process.argv.indexOf('--workers');
  main((load) => run(load, i > 0 ? Number(process.argv[i + 1]) : 2));
}
