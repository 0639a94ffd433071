// RFC 9000 §7.3 after a Retry: the server's retry_source_connection_id must name the SCID
// of the Retry the client followed, and must be absent when there was none; otherwise the
// client closes with TRANSPORT_PARAMETER_ERROR (0x08). Checked at the core's ABI with
// hand-encoded transport parameters (no server could be made to send the wrong ones).
import { instantiateCore } from '../../host/core/core';
import { ConnAbi, EventKind } from '../../host/core/conn-abi';
import { RetryImports } from '../../host/crypto/retry-imports';
import { coreModule } from './sim';
import { retryPacket } from './retry-helpers';

const TRANSPORT_PARAMETER_ERROR = 0x08;

function client() {
  const imports = new RetryImports();
  const core = instantiateCore(coreModule(), { host: imports.imports().host });
  imports.bind(core.exports.memory);
  const abi = new ConnAbi(core);
  abi.seed(Uint32Array.of(1, 2, 3, 4));
  abi.configureEndpoint(8, false);
  return abi;
}

/** The value of transport parameter `id` (single-byte ids and lengths, as ours are). */
function tpValue(tp: Uint8Array, id: number): Uint8Array {
  for (let i = 0; i < tp.length;) {
    const pid = tp[i], len = tp[i + 1];
    if (pid === id) return tp.slice(i + 2, i + 2 + len);
    i += 2 + len;
  }
  throw new Error(`no transport parameter ${id}`);
}

/** Server parameters: original_destination_connection_id, an empty initial_source_connection_id, and optionally retry_source_connection_id. */
function serverParams(odcid: Uint8Array, rscid?: Uint8Array): Uint8Array {
  const out = [0x00, odcid.length, ...odcid, 0x0f, 0];
  if (rscid) out.push(0x10, rscid.length, ...rscid);
  return Uint8Array.from(out);
}

/** A client connection that followed a Retry whose SCID is `scid`. */
function afterRetry(scid: Uint8Array) {
  const abi = client();
  const h = abi.connect(1, 0, 1000);
  const odcid = abi.originalDcid(h);
  const local = tpValue(abi.localTransportParams(h), 0x0f);
  expect(abi.handleDatagram(retryPacket(odcid, local, scid, Uint8Array.of(1, 2, 3)), 0, 2000)).toBe(h);
  const kinds: number[] = [];
  for (let ev = abi.pollEvent(); ev; ev = abi.pollEvent()) kinds.push(ev.kind);
  expect(kinds).toContain(EventKind.RETRY);
  expect(abi.initialDcid(h)).toEqual(scid);
  return { abi, h, odcid };
}

const SCID = Uint8Array.of(9, 8, 7, 6, 5, 4, 3, 2);

test('after a Retry, the right retry_source_connection_id is accepted', () => {
  const { abi, h, odcid } = afterRetry(SCID);
  expect(abi.setPeerTransportParams(h, serverParams(odcid, SCID))).toBe(0);
});

test('after a Retry, a missing or different retry_source_connection_id is TRANSPORT_PARAMETER_ERROR', () => {
  const a = afterRetry(SCID);
  expect(a.abi.setPeerTransportParams(a.h, serverParams(a.odcid))).toBe(-TRANSPORT_PARAMETER_ERROR);
  const b = afterRetry(SCID);
  expect(b.abi.setPeerTransportParams(b.h, serverParams(b.odcid, Uint8Array.of(1, 1, 1, 1, 1, 1, 1, 1)))).toBe(-TRANSPORT_PARAMETER_ERROR);
});

test('without a Retry, a retry_source_connection_id is TRANSPORT_PARAMETER_ERROR', () => {
  const abi = client();
  const h = abi.connect(1, 0, 1000);
  expect(abi.setPeerTransportParams(h, serverParams(abi.originalDcid(h), SCID))).toBe(-TRANSPORT_PARAMETER_ERROR);
  const h2 = abi.connect(1, 0, 1000);
  expect(abi.setPeerTransportParams(h2, serverParams(abi.originalDcid(h2)))).toBe(0);
});
