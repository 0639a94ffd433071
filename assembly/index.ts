// The core's ABI: the only module that exports to the host. Every other file in
// assembly/ is a room of the core; the files under abi/ are the doors, re-exported here.
//
// Contract (read this before adding an export):
//
// 1. Numbers and pointers only. Arguments and results are i32/u32/f64 (and i64 only where
//    a BigInt crossing is acceptable, never on the per-packet path). No strings or objects
//    on the data path; the host keeps typed views over linear memory (host/core/core.ts).
// 2. Results are i32. A value >= 0 is success (usually a byte count). A negative value
//    is an error: -code, where code is a QUIC transport error code (RFC 9000 §20.1,
//    assembly/wire/errors.ts), e.g. -0x07 FRAME_ENCODING_ERROR, -0x0a PROTOCOL_VIOLATION,
//    -0x08 TRANSPORT_PARAMETER_ERROR. Codes above 0xffff are the core's own
//    (e.g. "drop this packet silently"); errors.ts lists them.
// 3. Bad input never traps. Every decoder is bounds-checked against the length it was
//    given. A trap (the `abort` path in abi/abort.ts) means a bug in the core.
// 4. Time and randomness are inputs: `now` is f64 microseconds; the host seeds the core's
//    PRNG. The core never reads a clock or an entropy source.
// 5. Fixed I/O regions (abi/io.ts): datagrams are copied once into the receive region;
//    outputs are written into the transmit region; decoded fields come back in u64 result
//    slots. "No deadline" is the sentinel +Infinity.
// 6. Numbers have one source: the declarations in assembly/ (EventKind, STATE_*, ConfigKey,
//    abi/stats.ts Stats and Timers slots, Level, Suite, error codes, PacketType, FrameType,
//    TpId, QLOG_*). The host never copies them: scripts/gen-abi.mjs (run by `npm run
//    asbuild`) writes host/core/abi.generated.ts from them, and test/core/abi-numbers.test.ts
//    fails when that file is stale or the compiled core disagrees with it. A new number the
//    host needs is an exported integer `const` (top level, or in an exported namespace) in
//    the room that owns it, plus a line in gen-abi.mjs SOURCES if that file is new there.
// 7. Entry points come in four kinds (quinn's vocabulary): getters, handle* (inputs:
//    handleDatagram, handleTimeout), commands (open a stream, write, close), and poll*
//    (outputs: pollTransmit, pollTimeout, pollEvent). The host polls in that order:
//    transmit, then timeout, then events.
//
// Doors:
//   abi/memory.ts   where the I/O regions are; the last abort's location
//   abi/wire-packets.ts  varints, packet numbers, headers, coalescing, Version
//                   Negotiation, Retry, and the connection-less routing helper
//   abi/wire-frames.ts   frames (RFC 9000 §19, RFC 9221)
//   abi/tparams.ts  transport parameters (§18) encode/decode/validate
//   abi/endpoint.ts the endpoint as a whole: seed, CID generator, stateless reset, limits,
//                   Retry policy, counters (slots in abi/endpoint-stats.ts), qlog
//   abi/conn.ts     connections (handshake, streams, timers, close)
//   abi/datagrams.ts  DATAGRAM frames (RFC 9221): send, read, limits, counters
//   abi/stats.ts    the slots of the connStats / connTimers blocks (names for the host, not wasm exports)
//   abi/crypto.ts   the in-core key table and ChaCha20-Poly1305 packet protection
//   abi/versions.ts QUIC versions and compatible version negotiation (RFC 9368)
//   abi/paths.ts    client-initiated migration and the preferred address (RFC 9000 §9)

export * from "./abi/memory";
export * from "./abi/wire-packets";
export * from "./abi/wire-frames";
export * from "./abi/tparams";
export * from "./abi/endpoint";
export * from "./abi/conn";
export * from "./abi/datagrams";
export * from "./abi/crypto";
export * from "./abi/versions";
export * from "./abi/paths";
