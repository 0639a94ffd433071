// npm test's setup step (scripts/test-setup.sh, run by pretest): quiet and quick when
// every system tool is there; one line naming what is missing and how to get it when it
// cannot install (here: no apt-get on the PATH it sees).
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const ROOT = resolve(__dirname, '../..');
const script = join(ROOT, 'scripts/test-setup.sh');
const which = (c: string) => spawnSync('sh', ['-c', `command -v ${c}`], { encoding: 'utf8' }).stdout.trim();

test('everything present: exits 0 without a word', () => {
  const r = spawnSync('bash', [script], { cwd: ROOT, encoding: 'utf8' });
  expect({ status: r.status, out: r.stdout + r.stderr }).toEqual({ status: 0, out: '' });
});

test('chromium and openssl missing, nothing to install with: one line, exit 1', () => {
  const bin = mkdtempSync(join(tmpdir(), 'quicwasm-setup-'));
  try {
    for (const c of ['bash', 'id']) symlinkSync(which(c), join(bin, c));
    const r = spawnSync(which('bash'), [script], { cwd: ROOT, encoding: 'utf8', env: { PATH: bin } });
    expect(r.status).toBe(1);
    const lines = r.stderr.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^npm test needs (ngtcp2-client )?(ngtcp2-server )?chromium openssl, which is not installed: install (\S+ )*chromium openssl/);
    expect(r.stdout).toBe('');
  } finally {
    rmSync(bin, { recursive: true, force: true });
  }
});

test('the skip switch', () => {
  const r = spawnSync(which('bash'), [script], { cwd: ROOT, encoding: 'utf8', env: { PATH: '/nonexistent', QUICWASM_TEST_SETUP: 'skip' } });
  expect(r.status).toBe(0);
});
