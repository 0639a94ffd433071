import { fork } from 'node:child_process';
const role = process.argv[2];
if (role === 'server') {
  (async () => {
    const { listen } = await import('./host/node');
    const { generateSelfSigned } = await import('./host/tls/pki/index');
    const cert = generateSelfSigned({ subjectAltNames: ['localhost'] });
    const server = await listen({ address: '127.0.0.1', port: 0, alpn: ['x'], certificate: cert });
    process.send!({ port: server.address.port, cert: Array.from(cert.chain[0]) });
  })();
} else {
  const child = fork(__filename, ['server'], { execArgv: ['--import', 'tsx'] });
  child.on('message', async (m: any) => {
    const { connect } = await import('./host/node');
    const lat: number[] = [];
    const cpu0 = process.cpuUsage();
    for (let i = 0; i < 300; i++) {
      const t = performance.now();
      const c = await connect({ address: '127.0.0.1', port: m.port, alpn: ['x'], serverName: 'localhost', trustAnchors: [new Uint8Array(m.cert)] });
      lat.push(performance.now() - t);
      await c.close();
    }
    const cpu = process.cpuUsage(cpu0);
    lat.sort((a, b) => a - b);
    console.log('connect p50', lat[150].toFixed(2), 'p10', lat[30].toFixed(2), 'client CPU per connect+close', ((cpu.user + cpu.system) / 1000 / 300).toFixed(2), 'ms');
    child.kill();
  });
}
