// Shape 1, seed 000 "fork" (single listener, blocking style): one listener, connections
// served one after another with plain `await`, as a classic accept() loop would. JavaScript
// has no fork(); the point of the shape is the sequential loop: accept, serve to the end,
// accept the next. Clients connect all at once; the endpoint completes their handshakes
// while the loop is busy, and they wait in the accept backlog.
//   npx tsx demos/server-shapes/single-listener.ts [--connections 20 --streams 4 --bytes 32768]
import { listen } from '../../host/index';
import { ALPN, serveEcho, type Served } from './echo';
import { runClients, DEFAULT_LOAD, type ClientLoad } from './client';
import { demoCertificate, main, result, udpClient, type ShapeResult } from './common';

/** Serves `count` connections one at a time on one UDP socket; resolves when done and closed. */
export async function run(load: ClientLoad = DEFAULT_LOAD): Promise<ShapeResult> {
  const certificate = demoCertificate();
  const server = await listen({ address: '127.0.0.1', port: 0, alpn: [ALPN], certificate });
  const served: Served[] = [];
  const loop = (async () => {
    for (let i = 0; i < load.connections; i++) {
      const conn = await server.accept();
      served.push(await serveEcho(conn)); // the whole connection before the next accept()
    }
  })();
  const { address, port } = server.address;
  const report = await runClients(udpClient(certificate, () => ({ address, port })), load);
  await loop.catch((err) => report.errors.push(`server: ${(err as Error).message}`));
  await server.close();
  return result('single-listener', report, served, load, 'served one after another');
}

if (require.main === module) main(run);
