// Entry of the testing build (build/core.testing.wasm): the whole ABI of index.ts plus
// probes that let jest drive rooms of the core that the shipped ABI does not expose
// one by one (recovery, congestion control, streams). Never shipped in dist/.
// Each room owns one probe file here.
export * from "../index";
export * from "./crypto";
export * from "./chacha";
export * from "./aes";
export * from "./recovery";
export * from "./buffers";
export * from "./frames";
export * from "./versions";
export * from "./cids";
export * from "./memory";
