// Stepping a client connection by hand through the testing build (aioquic's style):
// hand it TLS bytes, poll what it sends, and assert the datagram sizes and the next
// timer (RFC 9000 §14.1: a client's Initial datagrams are padded to 1200 bytes; RFC
// 9002 §6.2.2: before any RTT sample the PTO is 3 × the initial RTT, §6.2.1: it doubles
// on each expiry; RFC 9000 §10.1: the idle timer is not extended by those probes).
import { testingCore } from './probe';
import { initialSecrets, packetKeyMaterial } from '../../host/crypto/quic-keys';
import { nodeCryptoProvider } from '../../host/crypto/node-provider';
import { Suite } from '../../host/crypto/suites';

const V1 = 1;

function client(idleMs = 30_000) {
  const t = testingCore();
  const { x, crypto, scratch } = t;
  x.endpointConfigure(8, 0);
  x.connConfigure(0, 6, idleMs); // MAX_IDLE_TIMEOUT_MS
  const h = x.connConnect(V1, 0, 0);
  expect(h).toBeGreaterThan(0);
  const n = x.connOriginalDcid(h);
  const secrets = initialSecrets(V1, scratch().slice(0, n));
  for (const [dir, secret] of [[0, secrets.server], [1, secrets.client]] as const) {
    const m = packetKeyMaterial(V1, Suite.Aes128Gcm, secret);
    const aead = crypto.table.addAead(nodeCryptoProvider.createPacketProtector(Suite.Aes128Gcm, m.key, m.iv));
    const hp = crypto.table.addHp(nodeCryptoProvider.createHeaderProtector(Suite.Aes128Gcm, m.hp));
    expect(x.connInstallKeys(h, 0, dir, aead, hp)).toBe(0);
  }
  // A ClientHello-sized CRYPTO payload (its content does not matter to the transport).
  scratch().set(new Uint8Array(300).fill(0x16));
  expect(x.connWriteCrypto(h, 0, 300)).toBe(0);
  /** Every datagram the core has to send at `now`: their sizes. */
  const drain = (now: number) => { const sizes: number[] = []; for (let d = x.pollTransmit(now); d > 0; d = x.pollTransmit(now)) sizes.push(d); return sizes; };
  return { ...t, h, drain };
}

describe("a client's first flight", () => {
  test('one 1200-byte Initial, then nothing until the PTO at 3 × initial RTT (999 ms)', () => {
    const { x, drain } = client();
    expect(drain(0)).toEqual([1200]);
    expect(x.pollTimeout()).toBe(999_000);
  });

  test('each PTO sends two 1200-byte probes and doubles the period', () => {
    const { x, drain } = client();
    drain(0);
    x.handleTimeout(999_000);
    expect(drain(999_000)).toEqual([1200, 1200]);
    expect(x.pollTimeout()).toBe(999_000 + 2 * 999_000);
    x.handleTimeout(2_997_000);
    expect(drain(2_997_000)).toEqual([1200, 1200]);
    expect(x.pollTimeout()).toBe(2_997_000 + 4 * 999_000);
  });

  test('to a silent peer, the idle timeout (5 s) ends it after the probes, from the first Initial (§10.1)', () => {
    const { x, h, drain } = client(5000);
    drain(0);
    let now = 0;
    const probesAt: number[] = [];
    while (x.connState(h) !== 5 && now < 60_000_000) {
      now = x.pollTimeout();
      x.handleTimeout(now);
      if (drain(now).length) probesAt.push(now);
    }
    expect(probesAt).toEqual([999_000, 2_997_000]);
    expect(now).toBe(5_000_000);
    expect(x.connState(h)).toBe(5);
  });
});
