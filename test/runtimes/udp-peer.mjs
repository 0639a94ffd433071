// One end of a real loopback QUIC transfer, importing the installed package by name
// ("quicwasm", resolved through its exports map) under node, deno or bun:
//   server:            prints {"port": N}, answers each stream with the SHA-256 of what it read
//   client PORT BYTES: uploads BYTES, checks the server's hash, prints a JSON result line
// Cross-runtime pairs (a Node server with a Deno client, ...) are these two ends in two runtimes.
import { listen, connect, generateSelfSigned } from 'quicwasm';
import { createHash } from 'node:crypto';

const [role, portArg, bytesArg] = (globalThis.Deno ? Deno.args : process.argv.slice(2));
const runtime = globalThis.Deno ? `deno ${Deno.version.deno}` : globalThis.Bun ? `bun ${Bun.version}` : `node ${process.versions.node}`;
const sha = (b) => createHash('sha256').update(b).digest('hex');
const exit = (code) => (globalThis.Deno ? Deno.exit(code) : process.exit(code));

if (role === 'server') {
  const certificate = generateSelfSigned({ subjectAltNames: ['localhost'] });
  const server = await listen({ address: '127.0.0.1', port: 0, alpn: ['rt'], certificate });
  console.log(JSON.stringify({ port: server.address.port, runtime }));
  const conn = await server.accept();
  const s = await conn.acceptStream();
  const h = createHash('sha256');
  for (let c = await s.read(); c; c = await s.read()) h.update(c);
  await s.end(new TextEncoder().encode(h.digest('hex')));
  await conn.closed;
  await server.close();
  exit(0);
} else {
  const bytes = Number(bytesArg);
  const data = new Uint8Array(bytes);
  for (let i = 0; i < bytes; i++) data[i] = (i * 31 + 7) & 0xff;
  const t0 = performance.now();
  const conn = await connect({ address: '127.0.0.1', port: Number(portArg), alpn: ['rt'], serverName: 'localhost', dangerouslySkipCertificateVerification: true });
  const hsMs = performance.now() - t0;
  const s = conn.openStream();
  const t1 = performance.now();
  const [, reply] = await Promise.all([(async () => { for (let o = 0; o < bytes; o += 65536) await s.write(data.subarray(o, o + 65536)); await s.end(); })(), s.readAll()]);
  const ms = performance.now() - t1;
  const ok = new TextDecoder().decode(reply) === sha(data);
  const st = conn.stats();
  await conn.close(0, 'done');
  const udp = typeof globalThis.Deno?.listenDatagram === 'function' ? 'Deno.listenDatagram' : 'node:dgram'; // what listen/connect's 'auto' picks
  console.log(JSON.stringify({ runtime, udp, ok, bytes, handshakeMs: hsMs, ms, mbps: (bytes * 8) / (ms * 1000), cipherSuite: conn.handshakeInfo.cipherSuite, packetsSent: st.packetsSent, packetsLost: st.packetsLost, ptoCount: st.ptoCount, rttMs: st.smoothedRttUs / 1000 }));
  exit(ok ? 0 : 1);
}
