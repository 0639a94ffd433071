// A connected client/server pair on the simulator plus a RogueClient (rogue.ts) that
// forges 1-RTT packets as the client: the client offers one cipher suite and hands the
// rogue its key log.
import { makeSim, runUntil, cert, type SimOptions } from './sim';
import { RogueClient } from './rogue';
import { Suite } from '../../host/crypto/suites';
import type { QuicConnection } from '../../host/transport/connection';

export async function rogueConnected(opts: SimOptions = {}) {
  let rogue: RogueClient | null = null;
  const keyLog = (line: string) => rogue?.keyLog(line);
  const sim = makeSim({ ...opts, client: { tls: { alpn: ['test'], cipherSuites: [Suite.Aes128Gcm], keyLog }, ...opts.client } });
  rogue = new RogueClient(sim.pair);
  let serverConn: QuicConnection | null = null;
  sim.server.accept().then((c) => { serverConn = c; });
  const conn = sim.client.connectTo(0, { serverName: 'localhost', trustAnchors: [cert.chain[0]] });
  expect(await runUntil(sim.clock, () => conn.handshakeInfo !== null && serverConn !== null)).toBe(true);
  return { ...sim, rogue: rogue!, conn, serverConn: serverConn! as QuicConnection };
}
