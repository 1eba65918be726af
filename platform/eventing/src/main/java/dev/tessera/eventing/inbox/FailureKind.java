package dev.tessera.eventing.inbox;

import dev.tessera.contracts.InvalidEventException;
import dev.tessera.web.Outages;
import io.vertx.sqlclient.DatabaseException;
import java.io.IOException;
import java.sql.SQLException;
import java.sql.SQLTransientException;
import java.util.Set;

/** What a failure to apply an event says about retrying it. */
public enum FailureKind {
  /**
   * A dependency is unavailable or the transaction lost a race: retrying will succeed once the
   * dependency is back, however long that takes, so the record is retried for as long as it takes.
   */
  TRANSIENT,
  /** The event can never be applied (invalid record, a rule broken): dead-lettered at once. */
  PERMANENT,
  /**
   * Neither recognised as transient nor declared permanent, typically a handler bug: retried a
   * bounded number of times, then dead-lettered.
   */
  UNEXPLAINED;

  /**
   * SQLSTATEs a retry in a new transaction gets past although the database is up (what an
   * unavailable database answers is {@link Outages}' judgement, shared with the HTTP edge): 53
   * insufficient resources, 55 object not in prerequisite state (a lock not available), 57014 a
   * statement timeout, 40001 serialization failure, 40P01 deadlock, 25006 a read-only transaction
   * (the old primary, still reachable while a failover demotes it).
   */
  private static final Set<String> RETRYABLE_STATES = Set.of("57014", "40001", "40P01", "25006");

  private static final Set<String> RETRYABLE_CLASSES = Set.of("53", "55");

  /** Classifies {@code failure} by the first cause in its chain that says what it is. */
  public static FailureKind of(Throwable failure) {
    for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
      if (t instanceof PermanentEventFailure || t instanceof InvalidEventException) {
        return PERMANENT;
      }
      String sqlState =
          t instanceof DatabaseException db
              ? db.getSqlState()
              : t instanceof SQLException sql ? sql.getSQLState() : null;
      if (sqlState != null && sqlState.length() == 5) {
        // A database error says exactly what went wrong: a cause further down cannot overrule it.
        return Outages.isOutage(t)
                || RETRYABLE_STATES.contains(sqlState)
                || RETRYABLE_CLASSES.contains(sqlState.substring(0, 2))
            ? TRANSIENT
            : UNEXPLAINED;
      }
      // Any I/O failure too: a consumer's dependencies (SMTP, Kafka) fail that way when they are
      // gone, and retrying costs only time.
      if (Outages.isOutage(t) || t instanceof IOException || t instanceof SQLTransientException) {
        return TRANSIENT;
      }
    }
    return UNEXPLAINED;
  }
}
