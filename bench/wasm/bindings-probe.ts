// AssemblyScript source of a tiny module built at bench time with `asc --bindings raw`:
// the compiler's generated glue passes a Uint8Array by allocating it inside the module
// and copying — the cost bench/core.ts compares with our fixed receive region.
export function takeDatagram(data: Uint8Array): i32 {
  return data.length;
}
