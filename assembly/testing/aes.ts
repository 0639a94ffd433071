// Probe for the in-core AES block cipher (FIPS 197 vectors and differential tests), on
// buffers the test placed in linear memory.
import { aesExpandKey, aesEncrypt8, AES_RK_MAX } from "../crypto/aes";

const rk: usize = memory.data(AES_RK_MAX, 16);
const buf: usize = memory.data(128, 16);

/** AES-ECB of `n` blocks at `p` in place under the `keyLen`-byte key at `key`. 0, or -1 for a bad key length. */
export function probeAesEcb(key: usize, keyLen: i32, p: usize, n: i32): i32 {
  const nr = aesExpandKey(key, keyLen, rk);
  if (nr == 0) return -1;
  for (let i = 0; i < n; i += 8) {
    const m = n - i < 8 ? n - i : 8;
    memory.fill(buf, 0, 128);
    memory.copy(buf, p + <usize>(i << 4), <usize>(m << 4));
    aesEncrypt8(rk, nr, buf);
    memory.copy(p + <usize>(i << 4), buf, <usize>(m << 4));
  }
  return 0;
}
