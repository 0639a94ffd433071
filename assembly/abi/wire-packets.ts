// ABI: packets on the wire (owned by the wire-packets room).
export {};
