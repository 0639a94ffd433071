// The simulator's scenario space: each seed picks its impairments, stream count and
// congestion controller, so that a range of seeds spans 0–20% loss with reordering,
// duplication, corruption and delay (issue 4's deterministic simulator test).
import type { LinkImpairments } from '../../host/net/dgram-pair';
import type { TransportConfig } from '../../host/transport/create';
import { Prng } from '../../host/net/prng';

export interface Scenario {
  impair: LinkImpairments;
  streams: number;
  transport: TransportConfig;
}

export function impairmentsFor(seed: number): Scenario {
  const r = new Prng(seed * 104729 + 17);
  const pick = (lo: number, hi: number) => lo + (hi - lo) * r.next();
  // Loss sweeps 0–20% in 21 steps so that every level is covered every 21 seeds.
  const loss = (seed % 21) / 100;
  const impair: LinkImpairments = {
    loss,
    reorder: seed % 3 === 0 ? pick(0, 0.1) : 0,
    duplicate: seed % 4 === 0 ? pick(0, 0.05) : 0,
    corrupt: seed % 5 === 0 ? pick(0, 0.03) : 0,
    delayUs: Math.round(pick(0, 50_000)),
    jitterUs: seed % 2 === 0 ? Math.round(pick(0, 5_000)) : 0,
    // Some links are slow with a small queue, so that congestion (not only random loss) drops packets.
    bandwidthBps: seed % 7 === 0 ? Math.round(pick(5e6, 50e6)) : 0,
    queueBytes: seed % 7 === 0 ? 64 * 1024 : undefined,
  };
  return {
    impair,
    streams: 1 + (seed % 5),
    transport: { congestionControl: seed % 2 === 0 ? 'cubic' : seed % 6 === 5 ? 'vegas' : 'newreno' },
  };
}
