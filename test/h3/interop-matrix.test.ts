// A reduced interop matrix in CI (the full one is `npm run interop`): a few cases both
// ways against ngtcp2, and the unsupported ones reported as such, not hidden.
import { cleanEnv, formatMatrix, makeEnv, runMatrix } from '../../bench/interop/matrix';
import { binariesPresent } from '../interop/ngtcp2';

test('handshake, multiplexing, resumption, 0-RTT, transfer with 5% loss and retry both ways; v2 shown as unsupported', async () => {
  if (!binariesPresent()) throw new Error('ngtcp2 example binaries missing: apt-get install ngtcp2-client ngtcp2-server');
  const env = makeEnv(100_000);
  try {
    const results = await runMatrix(['handshake', 'multiplexing', 'resumption', 'zerortt', 'transfer-loss', 'retry', 'v2'], env);
    const table = formatMatrix(results);
    expect(results.filter((r) => r.status === 'fail').map((r) => `${r.case} ${r.direction}: ${r.detail}`)).toEqual([]);
    expect(results.filter((r) => r.status === 'pass')).toHaveLength(12);
    expect(results.filter((r) => r.case === 'zerortt').map((r) => r.status)).toEqual(['pass', 'pass']);
    expect(results.filter((r) => r.case === 'retry').map((r) => r.status)).toEqual(['pass', 'pass']);
    expect(results.filter((r) => r.case === 'v2').map((r) => r.status)).toEqual(['unsupported', 'unsupported']);
    expect(table).toMatch(/v2\s+\| unsupported \(peer: cannot\)/);
  } finally {
    cleanEnv(env);
  }
}, 120_000);
