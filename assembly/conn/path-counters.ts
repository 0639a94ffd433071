// Counters of a connection's path changes (RFC 9000 §8.2, §9): PATH_CHALLENGEs sent,
// migrations and reverts, a client's own moves and those that failed. Most connections
// never change path, so they share one zeroed set, never written, and take their own
// with their first change (Connection.ownPathCounters; issue 17: with the five counters
// out of it, a Connection takes a 432-byte heap block rather than 448). The host reads
// them through connStats (abi/conn.ts).

export class PathCounters {
  pathChallengesSent: u32 = 0;
  migrations: u32 = 0;
  pathReverts: u32 = 0;
  ownMigrations: u32 = 0;
  ownMigrationsFailed: u32 = 0;
}

/** The shared counters of connections that have not changed path (never written). */
export const NO_PATH_COUNTERS = new PathCounters();
