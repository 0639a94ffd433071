// bench/results.ts: the README's headline block comes from the suite's BENCH_JSON lines —
// rows picked by bench and name, each with its same-run baseline and the ratio to it —
// and only the text between the markers changes.
import { mkdtempSync, readFileSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseBenchOutput, renderHeadline, writeHeadline } from '../../bench/results';

const line = (bench: string, results: { name: string; value: number; unit: string; extra?: Record<string, number> }[]) =>
  `BENCH_JSON ${JSON.stringify({ bench, runtime: 'node 20', results })}`;

const output = [
  'quick mode',
  line('bulk-udp', [
    { name: 'raw node:dgram loopback ceiling, 1200-byte datagrams', value: 1000, unit: 'Mbit/s' },
    { name: 'ngtcp2 gtlsserver → gtlsclient, 20 MB download', value: 800, unit: 'Mbit/s' },
    { name: 'quicwasm 1200-byte datagrams (pmtud: false), 20 MB upload', value: 250, unit: 'Mbit/s' },
    { name: 'quicwasm with PMTU discovery (loopback limit 65507), 20 MB upload', value: 600, unit: 'Mbit/s' },
  ]),
  line('idle-memory', [{ name: '  same: total per half-open (issue 17 target 4 KiB)', value: 4039.6, unit: 'B' }]),
  line('transport-memory', [{ name: '  same: CPU per data packet, both ends (issue 19 target 10 µs)', value: 17.4, unit: 'µs' }]),
].join('\n');

test('the headline picks its rows and puts each next to its same-run baseline', () => {
  const runs = parseBenchOutput(output + '\n' + output); // run.ts prints each line twice
  expect(runs).toHaveLength(3);
  const md = renderHeadline(runs, { date: new Date('2026-12-02T12:00:00Z') });
  expect(md).toContain('on 2026-12-02');
  expect(md).toContain('| loopback upload, 1200-byte datagrams | 250.0 Mbit/s | 1,000 Mbit/s (raw node:dgram; ratio 0.250) | ≥ 0.5 × the raw node:dgram ceiling |');
  expect(md).toContain('| loopback upload, PMTU discovery | 600.0 Mbit/s | 800.0 Mbit/s (ngtcp2 example pair; ratio 0.750) |');
  expect(md).toContain('| state per half-open server connection | 4,040 B |');
  expect(md).toContain('| in-memory pair: CPU per data packet, both ends | 17.4 µs |');
  expect(md).not.toContain('handshakes per second'); // no handshake bench in this run: no row
});

test('only the block between the README markers is rewritten; no markers, no change', () => {
  const dir = mkdtempSync(join(tmpdir(), 'quicwasm-results-'));
  try {
    const readme = join(dir, 'README.md');
    writeFileSync(readme, 'before\n<!-- bench-headline:start -->\nold numbers\n<!-- bench-headline:end -->\nafter\n');
    expect(writeHeadline(parseBenchOutput(output), readme)).toBe(true);
    const text = readFileSync(readme, 'utf8');
    expect(text.startsWith('before\n<!-- bench-headline:start -->\nFrom `npm run bench')).toBe(true);
    expect(text).not.toContain('old numbers');
    expect(text.endsWith('<!-- bench-headline:end -->\nafter\n')).toBe(true);
    writeFileSync(readme, 'no markers here\n');
    expect(writeHeadline(parseBenchOutput(output), readme)).toBe(false);
    expect(readFileSync(readme, 'utf8')).toBe('no markers here\n');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
