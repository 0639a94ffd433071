// Shape 3, seed 000 "async-nonpollable" (async, non-pollable, addressed): the application
// owns the UDP socket and the timing. The endpoint gets a ManualNetwork (datagrams in with
// their sender, out with their destination) and a ManualClock (timers run only when the
// application calls handleTimeout()); nothing in it touches a socket or arms a timer. The
// application's own loop moves datagrams and drives time, sleeping until the next of: a
// datagram on its socket, something to send, the endpoint's next timeout.
//   npx tsx demos/server-shapes/async-nonpollable.ts [--connections 20 --streams 4 --bytes 32768]
import * as dgram from 'node:dgram';
import { createServerEndpoint, loadCoreModule, nodeCryptoProvider, ManualClock, ManualNetwork, type UdpAddress } from '../../host/index';
import { ALPN, serveAll } from './echo';
import { runClients, DEFAULT_LOAD, type ClientLoad } from './client';
import { demoCertificate, main, result, udpClient, type ShapeResult } from './common';

/** The application's socket: datagrams wait in its inbox until its loop takes them. */
async function appSocket(onMessage: () => void): Promise<{ socket: dgram.Socket; inbox: { data: Uint8Array; from: UdpAddress }[] }> {
  const socket = dgram.createSocket('udp4');
  const inbox: { data: Uint8Array; from: UdpAddress }[] = [];
  socket.on('message', (msg, rinfo) => { inbox.push({ data: new Uint8Array(msg), from: { address: rinfo.address, port: rinfo.port } }); onMessage(); });
  await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', resolve));
  return { socket, inbox };
}

export async function run(load: ClientLoad = DEFAULT_LOAD): Promise<ShapeResult> {
  const certificate = demoCertificate();
  let wake = () => {};
  const { socket, inbox } = await appSocket(() => wake());
  const network = new ManualNetwork();
  const clock = new ManualClock();
  network.onQueued(() => wake());
  clock.onEarlierTimeout(() => wake());
  const endpoint = createServerEndpoint({ coreModule: loadCoreModule(), network, clock, crypto: nodeCryptoProvider, certificate, tls: { alpn: [ALPN] } });

  // The application's event loop: the only place datagrams and time move.
  let running = true, turns = 0;
  const loop = (async () => {
    while (running) {
      turns++;
      for (const m of inbox.splice(0)) network.receiveDatagram(m.data, m.from);
      clock.handleTimeout();
      for (const d of network.takeDatagrams()) socket.send(d.data, d.to!.port, d.to!.address);
      const ms = clock.msUntilTimeout();
      if (inbox.length || network.queued || ms === 0) continue;
      await new Promise<void>((resolve) => {
        const timer = ms === Infinity ? null : setTimeout(() => resolve(), Math.ceil(ms));
        wake = () => { wake = () => {}; if (timer) clearTimeout(timer); resolve(); };
      });
    }
  })();

  const serving = serveAll(endpoint);
  const port = (socket.address() as { port: number }).port;
  const report = await runClients(udpClient(certificate, () => ({ address: '127.0.0.1', port })), load);
  const served = await serving.finished();
  await endpoint.close(); // needs the loop: closing connections still send
  await serving.accepting;
  running = false;
  wake();
  await loop;
  socket.close();
  return result('async-nonpollable', report, served, load, `the application's loop ran ${turns} turns`);
}

if (require.main === module) main(run);
