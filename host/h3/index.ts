// HTTP/3 (RFC 9114) with QPACK (RFC 9204), and hq-interop, over quicwasm's QUIC.
export { h3Fetch, H3Client, type H3Response, type H3ClientOptions, type H3RequestInit } from './client';
export { serveH3, H3Server, H3ServerConnection, type H3Handler, type ServeH3Options } from './server';
export { H3Connection, type H3Options } from './connection';
export { H3Error, H3ErrorCode, h3ErrorName } from './errors';
export { SettingId, StreamType, FrameType } from './frames';
export { HqClient, serveHqConnection, HqErrorCode, HQ_ALPN } from './hq';
export { fileHandler, resolveFile } from './files';
export { nodeStyle, type NodeStyleRequest, type NodeStyleResponse } from './node-style';
export { connectWith, listenWith, type TlsChoices } from './endpoints';
