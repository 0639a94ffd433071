import { loadCoreNode } from '../host/core/node-loader';

describe('core loading', () => {
  for (const build of ['release', 'debug'] as const) {
    test(`${build} build exposes disjoint I/O regions inside memory`, () => {
      const core = loadCoreNode(build);
      const regions = [
        [core.rxPtr, core.rxCapacity],
        [core.txPtr, core.txCapacity],
        [core.scratchPtr, core.scratchCapacity],
        [core.resultsPtr, core.exports.ioResultSlots() * 8],
      ].sort((a, b) => a[0] - b[0]);
      for (let i = 1; i < regions.length; i++) {
        expect(regions[i - 1][0] + regions[i - 1][1]).toBeLessThanOrEqual(regions[i][0]);
      }
      const last = regions[regions.length - 1];
      expect(last[0] + last[1]).toBeLessThanOrEqual(core.exports.memory.buffer.byteLength);
      core.writeRx(new Uint8Array([1, 2, 3]));
      expect(Array.from(core.read(core.rxPtr, 3))).toEqual([1, 2, 3]);
    });
  }
});
