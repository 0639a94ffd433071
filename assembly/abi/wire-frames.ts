// ABI: frames and transport parameters (owned by the wire-frames room).
export {};
