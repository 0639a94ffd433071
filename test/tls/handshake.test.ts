// Our TLS client against our server, in memory: handshake bytes shuttled per level, no
// QUIC. Both sides must derive the same secrets at each level and agree on the result.
import { createTlsClient, createTlsServer, Level, type TlsSession } from '../../host/tls/engine';
import type { KeyType } from '../../host/tls/pki/index';
import { Suite } from '../../host/crypto/suites';
import type { GroupName } from '../../host/tls/constants';
import { run, pair, secrets, certFor } from './helpers';

describe('TLS 1.3 handshake, our client against our server', () => {
  const suites = [Suite.Aes128Gcm, Suite.Aes256Gcm, Suite.ChaCha20Poly1305];
  const groups: GroupName[] = ['x25519', 'secp256r1'];
  const keyTypes: KeyType[] = ['ecdsa-p256', 'ed25519'];
  for (const suite of suites) for (const group of groups) for (const keyType of keyTypes) {
    test(`suite ${suite}, ${group}, ${keyType} certificate`, () => {
      const { client, server } = pair({ suites: [suite], clientGroups: [group], serverGroups: [group], keyType });
      const outs = run(client, server);
      const cs = secrets(outs.client), ss = secrets(outs.server);
      // Same secret for each level, mirrored directions.
      expect(cs.get('2/write')).toBe(ss.get('2/read'));
      expect(cs.get('2/read')).toBe(ss.get('2/write'));
      expect(cs.get('3/write')).toBe(ss.get('3/read'));
      expect(cs.get('3/read')).toBe(ss.get('3/write'));
      expect(cs.size).toBe(4);
      const cDone = outs.client.find((o) => o.type === 'complete');
      const sDone = outs.server.find((o) => o.type === 'complete');
      expect(cDone).toMatchObject({ info: { alpn: 'hq-interop' } }); // the server's preference wins
      expect(sDone).toMatchObject({ info: { alpn: 'hq-interop', serverName: 'localhost' } });
      expect(outs.client.find((o) => o.type === 'peer-transport-parameters')).toEqual({ type: 'peer-transport-parameters', data: Uint8Array.of(4, 5) });
      expect(outs.server.find((o) => o.type === 'peer-transport-parameters')).toEqual({ type: 'peer-transport-parameters', data: Uint8Array.of(1, 2, 3) });
      expect(outs.client.some((o) => o.type === 'alert') || outs.server.some((o) => o.type === 'alert')).toBe(false);
    });
  }

  test('HelloRetryRequest when the client guesses the wrong group', () => {
    const { client, server } = pair({ clientGroups: ['x25519', 'secp256r1'], serverGroups: ['secp256r1'] });
    const outs = run(client, server);
    const initialFromServer = outs.server.filter((o) => o.type === 'handshake-data' && o.level === Level.Initial);
    expect(initialFromServer.length).toBe(2); // HRR, then ServerHello
    expect(secrets(outs.client).get('3/write')).toBe(secrets(outs.server).get('3/read'));
    expect(outs.client.some((o) => o.type === 'complete')).toBe(true);
  });

  test('messages split across many CRYPTO frames still assemble', () => {
    const { client, server } = pair();
    const outs = run(client, server, (_f, _l, data) => data); // baseline
    expect(outs.client.some((o) => o.type === 'complete')).toBe(true);
    const p2 = pair();
    // Feed byte by byte.
    p2.client.start();
    const step = (from: TlsSession, to: TlsSession) => {
      for (const o of from.drain()) if (o.type === 'handshake-data') for (const b of o.data) to.receive(o.level, Uint8Array.of(b));
    };
    step(p2.client, p2.server);
    step(p2.server, p2.client);
    step(p2.client, p2.server);
    expect(p2.server.drain().some((o) => o.type === 'complete')).toBe(true);
  });

  test('a key log line per secret in NSS format', () => {
    const lines: string[] = [];
    const cert = certFor('ecdsa-p256');
    const client = createTlsClient({ alpn: ['h3'], transportParameters: new Uint8Array(1), trustAnchors: [cert.chain[0]], serverName: 'localhost', keyLog: (l) => lines.push(l) });
    const server = createTlsServer({ alpn: ['h3'], transportParameters: new Uint8Array(1), certificate: cert });
    run(client, server);
    expect(lines.map((l) => l.split(' ')[0]).sort()).toEqual(['CLIENT_HANDSHAKE_TRAFFIC_SECRET', 'CLIENT_TRAFFIC_SECRET_0', 'SERVER_HANDSHAKE_TRAFFIC_SECRET', 'SERVER_TRAFFIC_SECRET_0']);
    for (const l of lines) expect(l).toMatch(/^[A-Z_0-9]+ [0-9a-f]{64} [0-9a-f]{64}$/);
  });
});
