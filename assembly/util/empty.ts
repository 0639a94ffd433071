// Shared empty containers, never written: a field starts as one of these and gets its
// own container with its first element. An empty AssemblyScript Array still allocates
// room for 8 elements (144 bytes for u64) and an empty Uint8Array 64 bytes, and a
// connection has dozens of such fields; most stay empty in a half-open or idle
// connection (issue 17: ≤ 4 KiB per half-open connection).

/** An empty byte array (length 0: nothing can be written into it). */
export const NO_BYTES = new Uint8Array(0);

/** An empty u64 list. Writers check `== NO_U64S` and allocate their own before growing it. */
export const NO_U64S = new Array<u64>();

/** An empty list of byte arrays. Writers check `== NO_BYTE_LISTS` and allocate their own before growing it. */
export const NO_BYTE_LISTS = new Array<Uint8Array>();
