// npm run interop [-- case...]: the interop matrix against ngtcp2 (gtlsserver,
// gtlsclient), both directions, every file checked by SHA-256. Prints the matrix,
// the failures with their reasons, and one INTEROP_JSON line. Exit code 1 if a case
// both sides support failed.
import { ALL_CASES, cleanEnv, formatMatrix, makeEnv, runMatrix } from './matrix';
import { binariesPresent } from '../../test/interop/ngtcp2';

async function main(): Promise<number> {
  if (!binariesPresent()) {
    process.stderr.write('interop: ngtcp2 example binaries missing (apt-get install ngtcp2-client ngtcp2-server)\n');
    return 1;
  }
  const wanted = process.argv.slice(2).filter((a) => !a.startsWith('-'));
  const cases = wanted.length ? wanted : ALL_CASES;
  const unknown = cases.filter((c) => !ALL_CASES.includes(c));
  if (unknown.length) {
    process.stderr.write(`interop: unknown case(s) ${unknown.join(', ')}; cases: ${ALL_CASES.join(', ')}\n`);
    return 2;
  }
  const env = makeEnv();
  const started = performance.now();
  try {
    const results = await runMatrix(cases, env, (r) => process.stderr.write(`[interop] ${r.case} ${r.direction}: ${r.status} (${r.ms} ms) ${r.detail}\n`));
    console.log('\n' + formatMatrix(results) + '\n');
    for (const r of results.filter((x) => x.status !== 'pass')) console.log(`${r.status.toUpperCase()} ${r.case} ${r.direction}: ${r.detail}`);
    const failed = results.filter((r) => r.status === 'fail').length;
    console.log('INTEROP_JSON ' + JSON.stringify({
      peer: 'ngtcp2 0.12 (gtlsserver/gtlsclient)', durationMs: Math.round(performance.now() - started),
      passed: results.filter((r) => r.status === 'pass').length, failed, unsupported: results.filter((r) => r.status === 'unsupported').length,
      results: results.map(({ case: c, direction, status, ms, detail }) => ({ case: c, direction, status, ms, detail })),
    }));
    return failed ? 1 : 0;
  } finally {
    cleanEnv(env);
  }
}

main().then((code) => process.exit(code), (e) => { process.stderr.write(`interop: ${(e as Error).message}\n`); process.exit(1); });
