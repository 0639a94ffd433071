// The browser harness page: a QUIC client and server in this page, joined by an in-memory
// datagram pair with the impairments set in the form, the portable crypto backend, a real
// TLS 1.3 handshake with a certificate made here, then an upload hashed at both ends.
// Live charts of throughput, RTT and congestion window; a summary; a qlog to download.

import { MemoryQlog } from '../../host/browser';
import { simulatorTransfer } from './transfer';
import { LineChart } from './charts';

const $ = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;
const num = (id: string) => Number(($(id) as HTMLInputElement).value);

const charts = {
  throughput: new LineChart($('chart-throughput'), 'throughput', 'Mbit/s', '#1565c0'),
  rtt: new LineChart($('chart-rtt'), 'smoothed RTT', 'ms', '#2e7d32'),
  cwnd: new LineChart($('chart-cwnd'), 'congestion window', 'kB', '#c62828'),
};

async function run(ev: Event): Promise<void> {
  ev.preventDefault();
  const button = $('start') as HTMLButtonElement;
  button.disabled = true;
  const summary = $('summary');
  summary.removeAttribute('data-done');
  summary.textContent = 'handshake…';
  Object.values(charts).forEach((c) => c.reset());
  const bytes = Math.round(num('size') * 1e6);
  const bandwidth = num('bandwidth');
  const link = {
    loss: num('loss') / 100,
    reorder: num('reorder') / 100,
    delayUs: num('delay') * 1000,
    bandwidthBps: bandwidth > 0 ? bandwidth * 1e6 : undefined,
  };
  const qlog = new MemoryQlog();
  let t0: number | null = null; // the first sample's virtual time: the charts start at 0
  // Throughput over the last 100 ms of virtual time (samples come every 20 ms).
  const recent: { t: number; progress: number }[] = [];
  let lastPaint = 0;
  try {
    const r = await simulatorTransfer({
      bytes, link, qlogSink: qlog.factory,
      onSample: (s) => {
        recent.push(s);
        while (recent.length > 6) recent.shift();
        const first = recent[0];
        const x = s.t - (t0 ??= s.t);
        if (s.t > first.t) charts.throughput.add(x, ((s.progress - first.progress) * bytes * 8) / ((s.t - first.t) * 1000));
        charts.rtt.add(x, s.rttMs);
        charts.cwnd.add(x, s.cwnd / 1000);
        ($('progress') as HTMLProgressElement).value = s.progress;
        const now = performance.now();
        if (now - lastPaint > 100) { lastPaint = now; Object.values(charts).forEach((c) => c.draw()); }
      },
    });
    Object.values(charts).forEach((c) => c.draw());
    ($('progress') as HTMLProgressElement).value = 1;
    summary.innerHTML = '';
    const rows: [string, string][] = [
      ['result', r.ok ? 'byte-exact: the hashes match' : 'MISMATCH'],
      ['sent SHA-256', r.sentSha256],
      ['received SHA-256', r.receivedSha256],
      ['bytes', String(r.bytes)],
      ['packets lost', String(r.lost)],
      ['virtual time', `${((r.samples.at(-1)?.t ?? 0) - (r.samples[0]?.t ?? 0)).toFixed(0)} ms on the simulated link`],
      ['wall time', `${r.wallMs.toFixed(0)} ms (the simulation ran at ${r.mbps.toFixed(1)} Mbit/s)`],
    ];
    for (const [k, v] of rows) {
      const tr = document.createElement('tr');
      tr.innerHTML = `<th>${k}</th><td></td>`;
      tr.querySelector('td')!.textContent = v;
      summary.appendChild(tr);
    }
    $('sent-sha').textContent = r.sentSha256;
    $('recv-sha').textContent = r.receivedSha256;
    const name = [...qlog.traces.keys()][0];
    if (name) {
      const a = $('qlog') as HTMLAnchorElement;
      a.href = URL.createObjectURL(new Blob([qlog.text(name)], { type: 'application/qlog+json-seq' }));
      a.download = `${name}.sqlog`;
      a.hidden = false;
    }
    summary.setAttribute('data-done', r.ok ? 'ok' : 'mismatch');
  } catch (err) {
    summary.textContent = `failed: ${(err as Error).message}`;
    summary.setAttribute('data-done', 'error');
  } finally {
    button.disabled = false;
  }
}

$('form').addEventListener('submit', (ev) => void run(ev));
$('status').textContent = window.isSecureContext && crypto.subtle ? 'ready (secure context)' : 'warning: not a secure context';
