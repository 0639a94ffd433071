// The QPACK encoder (RFC 9204 §4.5) in its simplest conforming form: static table
// references and literals, never the dynamic table. Required Insert Count and Base
// are then 0, nothing can block the peer's decoder, and our encoder stream carries
// only its type byte. Literals are Huffman-coded when that is shorter.

import { QpackWriter } from './primitives';
import { staticIndexOf, staticNameIndexOf } from './static-table';
import { latin1Bytes } from './decoder';

/** Encodes field lines (names must already be lowercase) into a field section. */
export function encodeFieldSection(lines: Iterable<readonly [string, string]>): Uint8Array {
  const w = new QpackWriter();
  w.int(0, 8).int(0, 7); // Required Insert Count 0, Delta Base 0 (S=0)
  for (const [name, value] of lines) {
    const exact = staticIndexOf(name, value);
    if (exact >= 0) { w.int(exact, 6, 0xc0); continue; } // Indexed, T=1 (static)
    const nameIdx = staticNameIndexOf(name);
    if (nameIdx >= 0) {
      w.int(nameIdx, 4, 0x50); // Literal with name reference, N=0, T=1
    } else {
      w.string(latin1Bytes(name), 3, 0x20); // Literal with literal name, N=0
    }
    w.string(latin1Bytes(value), 7, 0x00);
  }
  return w.finish();
}
