// One process of the prefork shape (a cluster worker): it binds the shared UDP port,
// serves the connections whose CIDs carry its id, and forwards every other datagram it
// happens to receive to the owner, through the primary.
import * as dgram from 'node:dgram';
import { cidOwner } from '../../host/index';
import { startWorker } from './mt-worker';

type FromPrimary =
  | { type: 'in'; data: Uint8Array; from: { address: string; port: number } }
  | { type: 'stop' };

const workerId = Number(process.env.SHAPE_WORKER);
const workers = Number(process.env.SHAPE_WORKERS);
const socket = dgram.createSocket('udp4'); // cluster: every process gets the primary's one socket
const worker = startWorker({ workerId, certPem: process.env.SHAPE_CERT!, keyPem: process.env.SHAPE_KEY! },
  (d) => socket.send(d.data, d.to!.port, d.to!.address));
let direct = 0, forwarded = 0;

socket.on('message', (msg, rinfo) => {
  const data = new Uint8Array(msg);
  const from = { address: rinfo.address, port: rinfo.port };
  const owner = cidOwner(data, { workers });
  if (owner === workerId) { direct++; worker.receive(data, from); }
  else if (owner >= 0) { forwarded++; process.send!({ type: 'fwd', owner, data, from }); }
});
process.on('message', (m: FromPrimary) => {
  if (m.type === 'in') worker.receive(m.data, m.from);
  else void worker.stop().then((served) => {
    process.send!({ type: 'done', served, direct, forwarded }, () => {
      socket.close();
      process.disconnect();
    });
  });
});
socket.bind(Number(process.env.SHAPE_PORT), '127.0.0.1', () => process.send!({ type: 'ready', port: socket.address().port }));
