// Probe for the in-core AES block cipher (FIPS 197 vectors and differential tests), on
// buffers the test placed in linear memory.
import { aesExpandKey, aesBitslice, aesEncrypt8, AES_RK_MAX, AES_SCHEDULE_MAX } from "../crypto/aes";

const w: usize = memory.data(AES_SCHEDULE_MAX, 16);
const rk: usize = memory.data(AES_RK_MAX, 16);
const buf: usize = memory.data(128, 16);

/** AES-ECB of `n` blocks at `p` in place under the `keyLen`-byte key at `key`. 0, or -1 for a bad key length. */
export function probeAesEcb(key: usize, keyLen: i32, p: usize, n: i32): i32 {
  const nr = aesExpandKey(key, keyLen, w);
  if (nr == 0) return -1;
  aesBitslice(w, nr, rk);
  for (let i = 0; i < n; i += 8) {
    const m = n - i < 8 ? n - i : 8;
    memory.fill(buf, 0, 128);
    memory.copy(buf, p + <usize>(i << 4), <usize>(m << 4));
    aesEncrypt8(rk, nr, buf);
    memory.copy(p + <usize>(i << 4), buf, <usize>(m << 4));
  }
  return 0;
}

/** The key schedule's round key `r` (16 bytes, FIPS 197 §5.2 words in byte order) to `out`. */
export function probeAesRoundKey(key: usize, keyLen: i32, r: i32, out: usize): i32 {
  const nr = aesExpandKey(key, keyLen, w);
  if (nr == 0 || r < 0 || r > nr) return -1;
  memory.copy(out, w + <usize>(r << 4), 16);
  return nr;
}
