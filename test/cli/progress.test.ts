import { createProgress } from '../../host/cli/progress';

function fake(isTTY: boolean) {
  const s = { isTTY, out: '', write(x: string) { s.out += x; return true; } };
  return s;
}

test('on a terminal: a redrawn bar with bytes and files', () => {
  const s = fake(true);
  const p = createProgress(s as unknown as NodeJS.WriteStream, 2);
  p.update('a', 500, 1000);
  p.done('a', 1000, '200, 1000 B');
  p.finish();
  expect(s.out).toMatch(/\r\[#{15}\.{15}\] 500 B \/ 1\.0 kB {2}0\/2 files/);
  expect(s.out).toContain('\r\x1b[Ka: 200, 1000 B\n');
});

test('not a terminal: plain lines only, no carriage returns', () => {
  const s = fake(false);
  const p = createProgress(s as unknown as NodeJS.WriteStream, 1);
  p.update('a', 500, 1000);
  p.done('a', 1000, '200, 1000 B');
  p.finish();
  expect(s.out).toBe('a: 200, 1000 B\n');
});
