// Download progress: a redrawn bar on a terminal, plain lines otherwise (logs, CI).

export interface Progress {
  /** `bytes` more arrived for `name` (whose size may be unknown). */
  update(name: string, bytes: number, total: number | null): void;
  /** `name` is complete (or failed, with a reason). */
  done(name: string, bytes: number, detail: string): void;
  finish(): void;
}

const fmt = (n: number) => (n >= 1e6 ? `${(n / 1e6).toFixed(1)} MB` : n >= 1e3 ? `${(n / 1e3).toFixed(1)} kB` : `${n} B`);

/** Progress on `out` (stderr): a bar when it is a TTY, one line per finished file otherwise. */
export function createProgress(out: NodeJS.WriteStream, files: number, quiet = false): Progress {
  const tty = !!out.isTTY && !quiet;
  let received = 0, expected = 0, finished = 0, lastDraw = 0;
  const sizes = new Map<string, number>();
  const draw = (force = false) => {
    const now = Date.now();
    if (!tty || (!force && now - lastDraw < 100)) return;
    lastDraw = now;
    const width = 30;
    const frac = expected > 0 ? Math.min(1, received / expected) : 0;
    const bar = '#'.repeat(Math.round(frac * width)).padEnd(width, '.');
    out.write(`\r[${bar}] ${fmt(received)}${expected ? ` / ${fmt(expected)}` : ''}  ${finished}/${files} files `);
  };
  return {
    update(name, bytes, total) {
      if (total !== null && !sizes.has(name)) { sizes.set(name, total); expected += total; }
      received += bytes;
      draw();
    },
    done(name, bytes, detail) {
      finished++;
      if (tty) { out.write(`\r\x1b[K${name}: ${detail}\n`); draw(true); } else if (!quiet) out.write(`${name}: ${detail}\n`);
      void bytes;
    },
    finish() {
      if (tty) out.write('\r\x1b[K');
    },
  };
}

export { fmt as formatBytes };
