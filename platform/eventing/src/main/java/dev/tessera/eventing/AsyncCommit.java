package dev.tessera.eventing;

/**
 * A statement that commits without waiting for its WAL to be flushed, for a write that publishes no
 * event and whose loss in a crash of PostgreSQL is harmless: a mark that, lost, only makes work be
 * done again idempotently (an e-mail's "sent", whose loss re-sends it with the same Message-ID).
 * Never for a write with an outbox row or an inbox row: a lost outbox row is an event lost for
 * good, and a lost inbox row takes with it the effects of a record whose offset Kafka has already
 * committed, so nothing redelivers it.
 *
 * <p>Why: every WAL flush wakes each WAL sender (one per outbox connector and one per standby on
 * the server) and the standby's receiver and replay, whatever the flush holds: ~0.75 ms of
 * PostgreSQL's CPU per flush here (docs/benchmarks.md, order saga). An asynchronous commit's WAL
 * goes out with the next flush instead of its own.
 *
 * <p>How: prefix the statement with {@link #CTE} and reference {@code async_commit} in it, as
 * {@code update … from async_commit where …} or, for an insert, {@code CTE + ", inserted as (insert
 * … returning …) select … from inserted, async_commit"} (a CTE that is not referenced is not
 * evaluated). {@code set_config(…, true)} sets {@code synchronous_commit} for the statement's own
 * transaction only, which is what its commit reads: one round trip, no {@code begin}, {@code set
 * local} and {@code commit}.
 */
public final class AsyncCommit {

  /** The common table expression {@code async_commit}; reference it from the statement. */
  public static final String CTE =
      "with async_commit as (select set_config('synchronous_commit', 'off', true) as setting) ";

  private AsyncCommit() {}
}
