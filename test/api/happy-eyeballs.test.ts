// connect() to a host name with several addresses tries them as RFC 8305 says (host/api/
// happy-eyeballs.ts): without it, a name whose first address has no server (say
// 'localhost' → ::1 first, the server on 127.0.0.1) timed out.

import { connect, listen, type QuicServer } from '../../host/node';
import { interleaveFamilies, raceAttempts, type Attempt } from '../../host/api/happy-eyeballs';
import { cert } from '../transport/sim';

describe('racing the addresses of a name', () => {
  test('interleaveFamilies: families alternate, starting with the first address', () => {
    expect(interleaveFamilies(['::1', '::2', '10.0.0.1', '10.0.0.2', '10.0.0.3'])).toEqual(['::1', '10.0.0.1', '::2', '10.0.0.2', '10.0.0.3']);
    expect(interleaveFamilies(['10.0.0.1', '::1'])).toEqual(['10.0.0.1', '::1']);
    expect(interleaveFamilies(['10.0.0.1'])).toEqual(['10.0.0.1']);
  });

  /** Attempts whose outcome the test decides: `settle[target]` resolves or rejects each. */
  function scripted() {
    const started: string[] = [];
    const cancelled: string[] = [];
    const settle: Record<string, { ok(v: string): void; fail(e: Error): void }> = {};
    const start = (target: string): Attempt<string> => {
      started.push(target);
      const result = new Promise<string>((ok, fail) => { settle[target] = { ok, fail }; });
      return { result, cancel: () => { cancelled.push(target); settle[target].fail(new Error(`${target} given up`)); } };
    };
    return { started, cancelled, settle, start };
  }
  // Fake timers: which attempt has started after how long is decided by the clock the
  // test moves, not by how busy the machine is. Promise jobs still run for real.
  beforeEach(() => jest.useFakeTimers());
  afterEach(() => jest.useRealTimers());
  const tick = async (ms: number) => {
    jest.advanceTimersByTime(ms);
    for (let i = 0; i < 10; i++) await Promise.resolve();
  };

  test('a silent first address: the next starts after the delay, wins, and the first is given up', async () => {
    const s = scripted();
    const race = raceAttempts(['a', 'b', 'c'], s.start, 20);
    expect(s.started).toEqual(['a']);
    await tick(19);
    expect(s.started).toEqual(['a']);
    await tick(1);
    expect(s.started).toEqual(['a', 'b']);
    s.settle.b.ok('b won');
    expect(await race.result).toBe('b won');
    await tick(40);
    expect(s.started).toEqual(['a', 'b']); // c never started
    expect(s.cancelled).toEqual(['a']);
  });

  test('a failure starts the next at once; all failing rejects with the first error; a late success is disposed of', async () => {
    const s = scripted();
    const disposed: string[] = [];
    const race = raceAttempts(['a', 'b'], s.start, 10_000, (late) => disposed.push(late));
    s.settle.a.fail(new Error('a refused'));
    await tick(0);
    expect(s.started).toEqual(['a', 'b']); // without waiting out the 10 s delay
    s.settle.b.fail(new Error('b refused'));
    await expect(race.result).rejects.toThrow('a refused');

    // An attempt that completes although it was given up (its handshake finished in the
    // same turn): the race hands it to dispose (connect() closes that connection).
    const t = scripted();
    const stubborn = (target: string): Attempt<string> => ({ ...t.start(target), cancel: () => { t.cancelled.push(target); } });
    const won = raceAttempts(['x', 'y'], stubborn, 5, (late) => disposed.push(late));
    await tick(20);
    t.settle.y.ok('y');
    expect(await won.result).toBe('y');
    t.settle.x.ok('x, too late');
    await tick(0);
    expect(t.cancelled).toEqual(['x']);
    expect(disposed).toEqual(['x, too late']);
  });

  test('cancelAll gives every running attempt up and starts no more', async () => {
    const s = scripted();
    const race = raceAttempts(['a', 'b', 'c'], s.start, 10);
    await tick(15);
    race.cancelAll();
    await expect(race.result).rejects.toThrow();
    await tick(30);
    expect(s.started).toEqual(['a', 'b']);
    expect(s.cancelled.sort()).toEqual(['a', 'b']);
  });
});

describe('connect() by name, over UDP', () => {
  async function serve(address: string): Promise<QuicServer> {
    const server = await listen({ address, port: 0, alpn: ['he'], certificate: cert });
    void (async () => {
      for await (const c of server) {
        c.closed.catch(() => undefined);
        c.acceptStream().then(async (st) => st.end(await st.readAll())).catch(() => undefined);
      }
    })();
    return server;
  }

  for (const [serverAt, order] of [['127.0.0.1', ['::1', '127.0.0.1']], ['::1', ['127.0.0.1', '::1']]] as const) {
    test(`a name resolving to ${order.join(', ')} reaches the server on ${serverAt}`, async () => {
      const server = await serve(serverAt);
      const asked: unknown[] = [];
      try {
        // The first address has no server: silence. Without racing this is the 3 s timeout.
        const conn = await connect({
          address: 'quic.test', port: server.address.port, alpn: ['he'], serverName: 'localhost', trustAnchors: cert.chain, timeoutMs: 3000,
          resolve: async (name, family) => { asked.push([name, family]); return [...order]; },
        });
        expect(conn.handshakeInfo?.alpn).toBe('he');
        const st = await conn.openStreamAsync();
        await st.end('over the address that answered');
        expect(new TextDecoder().decode(await st.readAll())).toBe('over the address that answered');
        await conn.close();
      } finally {
        await server.close();
      }
      expect(asked).toEqual([['quic.test', undefined]]);
    });
  }

  test('resolve() giving nothing usable, or throwing, is ERR_QUIC_DNS; with localAddress it is asked for that family', async () => {
    const base = { address: 'quic.test', port: 9, alpn: ['he'], timeoutMs: 2000 };
    await expect(connect({ ...base, resolve: async () => [] })).rejects.toMatchObject({ code: 'ERR_QUIC_DNS', message: expect.stringMatching(/gave no IP address/) });
    await expect(connect({ ...base, resolve: async () => ['not an address'] })).rejects.toMatchObject({ code: 'ERR_QUIC_DNS' });
    await expect(connect({ ...base, resolve: async () => { throw new Error('NXDOMAIN'); } })).rejects.toMatchObject({ code: 'ERR_QUIC_DNS', message: expect.stringMatching(/NXDOMAIN/) });
    // Only IPv4 addresses for an IPv6 localAddress: none usable.
    await expect(connect({ ...base, localAddress: '::1', resolve: async (_n, family) => (family === 6 ? [] : ['127.0.0.1']) })).rejects.toMatchObject({ code: 'ERR_QUIC_DNS', message: expect.stringMatching(/no IPv6 address/) });
    await expect(connect({ ...base, resolve: 'dns' as never })).rejects.toMatchObject({ code: 'ERR_QUIC_INVALID_ARGUMENT' });
  });
});
