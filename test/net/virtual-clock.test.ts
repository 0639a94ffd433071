import { VirtualClock } from '../../host/net/virtual-clock';
import { Prng } from '../../host/net/prng';

describe('VirtualClock', () => {
  test('a timer that re-arms itself at the same instant fails loudly instead of spinning', () => {
    const clock = new VirtualClock(100);
    const again = (): void => { clock.setTimer(clock.now(), again); };
    clock.setTimer(150, again);
    expect(() => clock.advanceTo(200)).toThrow(/re-arms itself/);
  });

  test('runs timers in deadline order, ties in creation order', () => {
    const clock = new VirtualClock();
    const order: string[] = [];
    clock.setTimer(300, () => order.push('c'));
    clock.setTimer(100, () => order.push('a1'));
    clock.setTimer(100, () => order.push('a2'));
    const cancelled = clock.setTimer(200, () => order.push('x'));
    clock.clearTimer(cancelled);
    clock.advanceTo(250);
    expect(order).toEqual(['a1', 'a2']);
    expect(clock.now()).toBe(250);
    clock.advanceBy(100);
    expect(order).toEqual(['a1', 'a2', 'c']);
  });

  test('a timer set in the past fires at the current time', () => {
    const clock = new VirtualClock(1000);
    let firedAt = -1;
    clock.setTimer(10, () => (firedAt = clock.now()));
    clock.advanceTo(1000);
    expect(firedAt).toBe(1000);
  });

  test('refuses to go back in time', () => {
    const clock = new VirtualClock(50);
    expect(() => clock.advanceTo(10)).toThrow(/cannot go back/);
  });

  test('runUntil stops on done, idle, step limit and time limit', () => {
    const clock = new VirtualClock();
    let n = 0;
    const tick = () => { n++; clock.setTimer(clock.now() + 10, tick); };
    clock.setTimer(0, tick);
    expect(clock.runUntil(() => n >= 5)).toBe('done');
    expect(clock.runUntil(() => false, { maxSteps: 100 })).toBe('step-limit');
    expect(clock.runUntil(() => false, { maxTime: clock.now() + 1000 })).toBe('time-limit');
    const idle = new VirtualClock();
    expect(idle.runUntil(() => false)).toBe('idle');
  });
});

describe('Prng', () => {
  test('a seed replays exactly, different seeds differ', () => {
    const a = new Prng(42), b = new Prng(42), c = new Prng(43);
    const sa = Array.from({ length: 50 }, () => a.nextU32());
    const sb = Array.from({ length: 50 }, () => b.nextU32());
    const sc = Array.from({ length: 50 }, () => c.nextU32());
    expect(sa).toEqual(sb);
    expect(sa).not.toEqual(sc);
  });

  test('next() is roughly uniform in [0, 1)', () => {
    const p = new Prng(7);
    const buckets = new Array(10).fill(0);
    for (let i = 0; i < 100_000; i++) {
      const x = p.next();
      expect(x >= 0 && x < 1).toBe(true);
      buckets[Math.floor(x * 10)]++;
    }
    for (const b of buckets) expect(Math.abs(b - 10_000)).toBeLessThan(500);
  });
});
