package dev.tessera.eventing.outbox;

/**
 * What readiness makes of the outbox's replication slot: whether Debezium can still publish every
 * event the service records.
 *
 * @param problem {@code null} when healthy, else {@code missing}, {@code lost} or {@code behind}
 */
record SlotHealth(String problem, String walStatus, long retainedWalBytes) {

  /**
   * The slot's {@code wal_status}, the WAL it holds back in bytes, and whether a walsender (the
   * Debezium task) is streaming from it; no row when it is missing. {@code pg_replication_slots}
   * and {@code pg_current_wal_lsn()} are open to every role.
   */
  static final String QUERY =
      "select wal_status, coalesce(pg_wal_lsn_diff(pg_current_wal_lsn(), restart_lsn), 0)::bigint,"
          + " active"
          + " from pg_replication_slots where slot_name = :slot and database = current_database()";

  /** The slot is absent: events recorded now are never published. */
  static SlotHealth missing() {
    return new SlotHealth("missing", null, 0);
  }

  /**
   * Judges a slot from {@code pg_replication_slots}: {@code lost} once Postgres has removed WAL the
   * slot still needed (its events can never be decoded), {@code behind} when it is about to be
   * ({@code unreserved}) or holds back more than {@code maxRetainedBytes}.
   */
  static SlotHealth of(String walStatus, long retainedWalBytes, long maxRetainedBytes) {
    String problem;
    if ("lost".equals(walStatus)) {
      problem = "lost";
    } else if ("unreserved".equals(walStatus) || retainedWalBytes > maxRetainedBytes) {
      problem = "behind";
    } else {
      problem = null;
    }
    return new SlotHealth(problem, walStatus, retainedWalBytes);
  }

  boolean healthy() {
    return problem == null;
  }

  /** Whether events recorded now will never be published: the slot is missing or lost. */
  boolean losingEvents() {
    return "missing".equals(problem) || "lost".equals(problem);
  }
}
