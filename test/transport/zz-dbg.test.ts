import { makeSim, connectSim, runUntil } from './sim';
import { Prng } from '../../host/net/prng';
test('dbg', async () => {
  const sim = makeSim({ transport: { maxDatagramSize: 4000 }, serverTransport: { maxDatagramSize: 3000 }, aToB: { delayUs: 5000 }, bToA: { delayUs: 5000 } });
  const sizes: string[] = [];
  const send = sim.pair.a.send.bind(sim.pair.a);
  sim.pair.a.send = (d: Uint8Array, p: number) => { sizes.push(`${sim.clock.now()/1000|0}:${d.length}`); send(d, p); };
  const t = (await connectSim(sim))!;
  let got = 0;
  t.server.acceptStream().then(async (s) => { for await (const c of s) got += c.length; });
  const s = t.client.openStream(); s.end(new Prng(1).fill(new Uint8Array(1 << 20)));
  await runUntil(sim.clock, () => got === 1 << 20);
  console.log(JSON.stringify(t.client.stats()), sizes.slice(0, 80).join(','));
});
