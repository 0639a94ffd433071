// Shape 2, seed 000 "async-pollable" (async, pollable, addressed, several listeners): the
// library owns the sockets and the timers; one event loop serves every connection and
// every stream at once. Two listeners here, IPv4 and IPv6 on different ports; clients
// alternate between them.
//   npx tsx demos/server-shapes/async-pollable.ts [--connections 20 --streams 4 --bytes 32768]
import { listen, type QuicServer } from '../../host/index';
import { ALPN, serveEcho, type Served } from './echo';
import { runClients, DEFAULT_LOAD, type ClientLoad } from './client';
import { demoCertificate, main, result, udpClient, type ShapeResult } from './common';

/** Serves every connection concurrently from `for await` loops over two listeners. */
export async function run(load: ClientLoad = DEFAULT_LOAD): Promise<ShapeResult> {
  const certificate = demoCertificate();
  const listeners: QuicServer[] = [
    await listen({ address: '127.0.0.1', port: 0, alpn: [ALPN], certificate }),
    await listen({ address: '::1', port: 0, alpn: [ALPN], certificate }),
  ];
  const served: Served[] = [];
  const connections: Promise<void>[] = [];
  const loops = listeners.map(async (server) => {
    for await (const conn of server) connections.push(serveEcho(conn).then((s) => { served.push(s); }));
  });
  const where = listeners.map((l) => `${l.address.address} port ${l.address.port}`).join(' and ');
  const report = await runClients(udpClient(certificate, (i) => listeners[i % 2].address), load);
  await Promise.all(connections);
  await Promise.all(listeners.map((l) => l.close()));
  await Promise.all(loops); // each `for await` ends when its listener closes
  return result('async-pollable', report, served, load, `listeners on ${where}`);
}

if (require.main === module) main(run);
