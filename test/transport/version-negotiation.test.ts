// A client meets Version Negotiation (RFC 9000 §6.2): it abandons the attempt at once
// with ERR_QUIC_VERSION_NEGOTIATION (it used to wait for the idle timeout), and it
// ignores a Version Negotiation packet that lists the version it attempted (downgrade
// protection) or that does not echo its connection IDs (§17.2.1).
import { coreModule, cert, runUntil } from './sim';
import { createClientEndpoint } from '../../host/transport/create';
import { DgramPair } from '../../host/net/dgram-pair';
import { VirtualClock } from '../../host/net/virtual-clock';
import { nodeCryptoProvider } from '../../host/crypto/node-provider';

/** A Version Negotiation packet answering the client Initial `d` (DCID/SCID swapped, §17.2.1). */
function versionNegotiation(d: Uint8Array, versions: number[], echoScid = true): Uint8Array {
  const dcid = d.subarray(6, 6 + d[5]);
  const scid = d.subarray(7 + d[5], 7 + d[5] + d[6 + d[5]]);
  const theirScid = echoScid ? dcid : dcid.map((b) => b ^ 0xff);
  const out = [0x80 | 0x2a, 0, 0, 0, 0, scid.length, ...scid, theirScid.length, ...theirScid];
  for (const v of versions) out.push(v >>> 24, (v >>> 16) & 0xff, (v >>> 8) & 0xff, v & 0xff);
  return Uint8Array.from(out);
}

async function attempt(versions: number[], echoScid = true) {
  const clock = new VirtualClock(1_000_000);
  const pair = new DgramPair({ clock, aToB: { delayUs: 5000 }, bToA: { delayUs: 5000 } });
  // The "server": answers every Initial with Version Negotiation, once.
  let answered = false;
  pair.b.onReceive((d) => { if (!answered && (d[0] & 0x80)) { answered = true; pair.b.send(versionNegotiation(d, versions, echoScid), 0); } });
  const cli = createClientEndpoint({ coreModule: coreModule(), network: pair.a, clock, crypto: nodeCryptoProvider, tls: { alpn: ['t'] }, limits: { handshakeTimeoutMs: 5000 } });
  const start = clock.now();
  const conn = cli.connectTo(0, { serverName: 'localhost', trustAnchors: [cert.chain[0]] });
  let err: (Error & { code?: string }) | null = null;
  conn.established.catch((e) => { err = e; });
  await runUntil(clock, () => err !== null, 10_000_000);
  return { err: err as (Error & { code?: string }) | null, elapsedUs: clock.now() - start, answered, connections: cli.stats.connections };
}

test('a Version Negotiation without our version ends the attempt at once', async () => {
  const r = await attempt([0x1a2a3a4a, 0xff00001d]);
  expect(r.answered).toBe(true);
  expect(r.err?.code).toBe('ERR_QUIC_VERSION_NEGOTIATION');
  expect(r.err?.message).toMatch(/offers 0xff00001d among 2 versions/); // 0x1a2a3a4a is a reserved (greasing) version
  expect(r.elapsedUs).toBeLessThan(100_000); // one round trip (10 ms), not the 5 s handshake timeout
  expect(r.connections).toBe(0);
});

test('a Version Negotiation listing the version we attempted is ignored (downgrade protection)', async () => {
  const r = await attempt([0x1a2a3a4a, 0x00000001]);
  expect(r.answered).toBe(true);
  expect(r.err?.code).toBe('ERR_QUIC_HANDSHAKE_TIMEOUT');
});

test('a Version Negotiation that does not echo our connection ID is ignored', async () => {
  const r = await attempt([0x1a2a3a4a], false);
  expect(r.answered).toBe(true);
  expect(r.err?.code).toBe('ERR_QUIC_HANDSHAKE_TIMEOUT');
});
