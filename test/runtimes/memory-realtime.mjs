// The README's in-memory example on real time: client and server joined by a DgramPair
// with delay and loss, a RealClock, an echo, then close. The process must exit by itself
// (its timers are all it has: no socket keeps it alive, none may keep it alive after close).
import { compileCore, createClientEndpoint, createServerEndpoint, DgramPair, RealClock, generateSelfSigned } from 'quicwasm';

const coreModule = await compileCore();
const clock = new RealClock();
const pair = new DgramPair({ clock, aToB: { delayUs: 10_000, loss: 0.05 }, bToA: { delayUs: 10_000, loss: 0.05 } });
const certificate = generateSelfSigned({ subjectAltNames: ['localhost'] });
const server = createServerEndpoint({ coreModule, network: pair.b, clock, certificate, tls: { alpn: ['demo'] } });
const client = createClientEndpoint({ coreModule, network: pair.a, clock, tls: { alpn: ['demo'] } });
server.accept().then(async (sc) => { const s = await sc.acceptStream(); await s.end(await s.readAll()); });
const conn = client.connectTo(0, { serverName: 'localhost', trustAnchors: certificate.chain });
const info = await conn.established;
const s = conn.openStream();
const data = new Uint8Array(100_000).map((_, i) => i & 0xff);
const [, back] = await Promise.all([s.end(data), s.readAll()]);
await conn.close();
await Promise.all([client.close(), server.close()]);
console.log(JSON.stringify({ alpn: info.alpn, echoed: back.length, same: back.every((b, i) => b === data[i]) }));
