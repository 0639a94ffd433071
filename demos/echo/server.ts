// The echo demo's server: node --import tsx demos/echo/server.ts --cert cert.pem --key key.pem [--port 0] [--address 127.0.0.1]
// Prints "LISTENING <address> <port>" once bound, then one line per event.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { listen } from '../../host/node';
import { parsePemCertificates, parsePemPrivateKey } from '../../host/tls/pki/pem';
import type { QuicConnection } from '../../host/transport/connection';
import type { QuicStream } from '../../host/transport/stream';
import { ALPN, HASH_PREFIX, startsWith, human, parseArgs } from './protocol';

const args = parseArgs(process.argv.slice(2));
const log = (msg: string) => console.log(`[server] ${msg}`);

async function serveStream(s: QuicStream): Promise<number> {
  // Gather enough bytes to see whether this is a hash request.
  let head = new Uint8Array(0);
  let chunk: Uint8Array | null = null;
  while (head.length < HASH_PREFIX.length && (chunk = await s.read())) {
    const h = new Uint8Array(head.length + chunk.length);
    h.set(head); h.set(chunk, head.length); head = h;
  }
  if (startsWith(head, HASH_PREFIX)) {
    const hash = createHash('sha256').update(head.subarray(HASH_PREFIX.length));
    let n = head.length - HASH_PREFIX.length;
    for (let c = await s.read(); c; c = await s.read()) { hash.update(c); n += c.length; }
    await s.end(new TextEncoder().encode(hash.digest('hex')));
    return n;
  }
  let n = head.length;
  if (head.length) await s.write(head);
  for (let c = await s.read(); c; c = await s.read()) { n += c.length; await s.write(c); }
  await s.end();
  return n;
}

async function serveConnection(conn: QuicConnection, id: number): Promise<void> {
  const info = conn.handshakeInfo!;
  log(`connection #${id}: handshake done (ALPN ${info.alpn}, ${info.cipherSuite}${info.resumed ? ", resumed from a session ticket" : ""})`);
  let streams = 0, bytes = 0;
  const work: Promise<void>[] = [];
  conn.closed.then((c) => {
    log(`connection #${id} closed by ${c.byPeer ? 'the client' : 'us'}: ${c.reason} (code ${c.code}) after ${streams} streams, ${human(bytes)} received`);
  });
  for (;;) {
    let s: QuicStream;
    try { s = await conn.acceptStream(); } catch { break; }
    streams++;
    work.push(serveStream(s).then((n) => { bytes += n; }, (e) => log(`stream ${s.id}: ${e.message}`)));
  }
  await Promise.allSettled(work);
}

(async () => {
  const certificate = {
    chain: parsePemCertificates(readFileSync(args.cert, 'utf8')),
    key: parsePemPrivateKey(readFileSync(args.key, 'utf8')),
  };
  const server = await listen({ address: args.address ?? '127.0.0.1', port: Number(args.port ?? 0), alpn: [ALPN], certificate });
  const { address, port } = server.address;
  console.log(`LISTENING ${address} ${port}`);
  log(`listening on ${address}:${port} (UDP), ALPN "${ALPN}"`);
  let n = 0;
  const stop = async () => {
    const cpu = process.cpuUsage();
    console.log(`CPU ${((cpu.user + cpu.system) / 1000).toFixed(0)}`);
    log('shutting down');
    await server.close();
    process.exit(0);
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
  for await (const conn of server) serveConnection(conn, ++n).catch((e) => log(`connection #${n}: ${e.message}`));
})().catch((e) => { console.error(`[server] fatal: ${e.stack ?? e}`); process.exit(1); });
