// Shape 4, seed 000 "async-unaddressed" (async, unaddressed): datagrams carry no
// addresses. The server endpoint sits on a ManualNetwork({ addressed: false }) and the
// application carries its datagrams over a MessageChannel to the one client endpoint at
// the other end (a WebSocket, a worker port or a DgramPair would do the same). One pipe,
// one peer endpoint, yet many connections: they are told apart by connection ID, not by
// address. The endpoints keep their own timers here (a ManualClock makes it fully
// application-driven, as in async-nonpollable).
//   npx tsx demos/server-shapes/async-unaddressed.ts [--connections 20 --streams 4 --bytes 32768]
import { MessageChannel } from 'node:worker_threads';
import { createClientEndpoint, createServerEndpoint, loadCoreModule, nodeCryptoProvider, ManualNetwork } from '../../host/index';
import { ALPN, serveEcho, type Served } from './echo';
import { runClients, DEFAULT_LOAD, type ClientLoad } from './client';
import { demoCertificate, main, result, type ShapeResult } from './common';

export async function run(load: ClientLoad = DEFAULT_LOAD): Promise<ShapeResult> {
  const certificate = demoCertificate();
  const serverNet = new ManualNetwork({ addressed: false });
  const clientNet = new ManualNetwork({ addressed: false });
  // The application's pipe: each datagram is one message; the bytes are transferred, not copied.
  const { port1, port2 } = new MessageChannel();
  let carried = 0;
  serverNet.onDatagram((d) => { carried++; port1.postMessage(d.data, [d.data.buffer as ArrayBuffer]); });
  clientNet.onDatagram((d) => { carried++; port2.postMessage(d.data, [d.data.buffer as ArrayBuffer]); });
  port2.on('message', (data: Uint8Array) => clientNet.receiveDatagram(data));
  port1.on('message', (data: Uint8Array) => serverNet.receiveDatagram(data));

  const coreModule = loadCoreModule();
  const server = createServerEndpoint({ coreModule, network: serverNet, crypto: nodeCryptoProvider, certificate, tls: { alpn: [ALPN] } });
  const client = createClientEndpoint({ coreModule, network: clientNet, crypto: nodeCryptoProvider, tls: { alpn: [ALPN] } });

  const served: Served[] = [];
  const connections: Promise<void>[] = [];
  const accepting = (async () => {
    for (;;) {
      let conn;
      try { conn = await server.accept(); } catch { return; }
      connections.push(serveEcho(conn).then((s) => { served.push(s); }));
    }
  })();
  const report = await runClients(async () => {
    const conn = client.connectTo(0, { serverName: 'localhost', trustAnchors: certificate.chain }); // path 0: "the other end"
    await conn.established;
    return conn;
  }, load);
  await Promise.all(connections);
  await client.close();
  await server.close();
  await accepting;
  port1.close();
  return result('async-unaddressed', report, served, load, `${carried} datagrams carried over a MessageChannel`);
}

if (require.main === module) main(run);
