// The application sees the end of a stream whatever order its last frames arrive in.
// The case that once lost it: the server has read every byte of a request, then one
// client packet carries the request's FIN and, after it, the ACK of the server's own
// FIN. The core used to forget the stream at that ACK (both halves "done"), before the
// host had read the FIN, so the READABLE event found no stream and the request never
// ended (seen as HTTP/3 requests stalling until the idle timeout).
import { runUntil, watch } from './sim';
import { rogueConnected } from './rogue-sim';
import { streamFrame } from './rogue';

const text = (s: string) => new TextEncoder().encode(s);

test("a FIN followed in the same packet by the ACK of our FIN still reaches the reader", async () => {
  const { clock, pair, rogue, conn, serverConn } = await rogueConnected({ seed: 3 });
  const cs = conn.openStream();
  await cs.write(text('req'));
  const accepted = watch(serverConn.acceptStream());
  expect(await runUntil(clock, () => accepted.done)).toBe(true);
  const ss = accepted.value!;
  const firstRead = watch(ss.read());
  expect(await runUntil(clock, () => firstRead.done)).toBe(true);
  expect(new TextDecoder().decode(firstRead.value!)).toBe('req');

  // From here the real client's datagrams are held back, not delivered.
  const held: Uint8Array[] = [];
  const a = pair.a as unknown as { send(d: Uint8Array, p: number): void };
  const send = a.send.bind(a);
  a.send = (d: Uint8Array) => { held.push(d.slice()); };

  await ss.write(text('resp'), { fin: true });
  const response = watch((async () => { const parts: Uint8Array[] = []; for await (const c of cs) parts.push(c); return Buffer.concat(parts).toString(); })());
  // The client reads the response and its FIN, and acknowledges them (held).
  expect(await runUntil(clock, () => response.done && held.some((d) => rogue.open(d) !== null), 2_000_000)).toBe(true);
  expect(response.value).toBe('resp');
  const ackFrames = held.map((d) => rogue.open(d)).filter((f): f is Uint8Array => f !== null);

  // One packet: the request's FIN (no new bytes), then the client's frames with its ACK.
  const end = watch(ss.read());
  a.send = send;
  rogue.inject(streamFrame(cs.id, 3, new Uint8Array(0), true), ...ackFrames);
  expect(await runUntil(clock, () => end.done, 1_000_000)).toBe(true);
  expect(end.error).toBeUndefined();
  expect(end.value).toBeNull(); // read() after the last byte: the end of the stream
});
