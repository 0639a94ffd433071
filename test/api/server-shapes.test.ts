// Seed 000's six server shapes (demos/server-shapes): each demo's server runs against 20
// concurrent quicwasm clients with several streams each; every echo must come back byte
// for byte, the server must have served exactly what was sent, and everything it started
// (sockets, worker threads, processes) must end cleanly.
import type { ClientLoad } from '../../demos/server-shapes/client';
import type { ShapeResult } from '../../demos/server-shapes/common';
import { run as singleListener } from '../../demos/server-shapes/single-listener';
import { run as asyncPollable } from '../../demos/server-shapes/async-pollable';
import { run as asyncNonpollable } from '../../demos/server-shapes/async-nonpollable';
import { run as asyncUnaddressed } from '../../demos/server-shapes/async-unaddressed';
import { run as mt } from '../../demos/server-shapes/mt';
import { run as prefork } from '../../demos/server-shapes/prefork';

const LOAD: ClientLoad = { connections: 20, streams: 3, bytes: 16 * 1024 };

function expectExact(r: ShapeResult): void {
  expect(r.report.errors).toEqual([]);
  expect(r.report.connections).toBe(LOAD.connections);
  expect(r.report.exact).toBe(LOAD.connections * LOAD.streams);
  expect(r.report.bytesEchoed).toBe(LOAD.connections * LOAD.streams * LOAD.bytes);
  // The server side saw the same: every connection, every stream, every byte.
  expect(r.served.length).toBe(LOAD.connections);
  expect(r.served.reduce((n, s) => n + s.streams, 0)).toBe(LOAD.connections * LOAD.streams);
  expect(r.served.reduce((n, s) => n + s.bytes, 0)).toBe(LOAD.connections * LOAD.streams * LOAD.bytes);
}

test('single-listener: connections served one after another with plain await', async () => {
  expectExact(await singleListener(LOAD));
}, 40_000);

test('async-pollable: two listeners (IPv4, IPv6), every connection at once', async () => {
  const r = await asyncPollable(LOAD);
  expectExact(r);
  expect(r.line).toMatch(/127\.0\.0\.1 port \d+ and ::1 port \d+/);
}, 40_000);

test('async-nonpollable: the application moves datagrams and drives time', async () => {
  expectExact(await asyncNonpollable(LOAD));
}, 40_000);

test('async-unaddressed: datagrams without addresses over a MessageChannel', async () => {
  expectExact(await asyncUnaddressed(LOAD));
}, 40_000);

test('mt: worker threads, each datagram routed to its connection\'s worker by CID', async () => {
  const r = await mt(LOAD, 2);
  expectExact(r);
  // Both workers took connections (the first Initials are spread by a hash of the client's CID).
  const per = [...r.line.matchAll(/worker \d: (\d+) connections/g)].map((m) => Number(m[1]));
  expect(per).toHaveLength(2);
  expect(per.every((n) => n > 0)).toBe(true);
}, 40_000);

test('prefork: processes sharing one UDP port, datagrams forwarded to the owner by CID', async () => {
  const r = await prefork(LOAD, 2);
  expectExact(r);
  const per = [...r.line.matchAll(/process \d: (\d+) connections/g)].map((m) => Number(m[1]));
  expect(per).toHaveLength(2);
  expect(per.every((n) => n > 0)).toBe(true);
}, 50_000);
