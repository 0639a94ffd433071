// SipHash-2-4-128 (assembly/util/siphash.ts), the PRF of stateless reset tokens, against
// the reference implementation's vectors_sip128 (key 00..0f, message 00..len-1).
import { testingCore } from './probe';

const VECTORS: [number, string][] = [
  [0, 'a3817f04ba25a8e66df67214c7550293'],
  [1, 'da87c1d86b99af44347659119b22fc45'],
  [2, '8177228da4a45dc7fca38bdef60affe4'],
  [3, '9c70b60c5267a94e5f33b6b02985ed51'],
  [15, '5493e99933b0a8117e08ec0f97cfc3d9'],
];

test('SipHash-2-4-128 matches the reference vectors', () => {
  const { x, scratch } = testingCore();
  for (const [len, want] of VECTORS) {
    const s = scratch();
    for (let i = 0; i < 16; i++) s[i] = i;
    for (let i = 0; i < len; i++) s[16 + i] = i;
    x.probeSipHash128(len);
    expect(Buffer.from(scratch().subarray(64, 80)).toString('hex')).toBe(want);
  }
});
