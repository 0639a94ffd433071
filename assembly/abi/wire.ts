// ABI: the wire format (filled in by the wire rooms).
