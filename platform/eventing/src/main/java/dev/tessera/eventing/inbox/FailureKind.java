package dev.tessera.eventing.inbox;

import dev.tessera.contracts.InvalidEventException;
import io.vertx.sqlclient.ClosedConnectionException;
import io.vertx.sqlclient.DatabaseException;
import java.io.IOException;
import java.sql.SQLException;
import java.sql.SQLRecoverableException;
import java.sql.SQLTransientException;
import java.util.Set;
import java.util.concurrent.TimeoutException;

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
   * SQLSTATEs of an unavailable database or a lost race: 08 connection exceptions, 53 insufficient
   * resources, 55 object not in prerequisite state (a database not accepting connections, a lock
   * not available), 57P01-57P03 shutdown and cannot-connect-now, 57014 a statement timeout, 40001
   * serialization failure, 40P01 deadlock, 25006 a read-only transaction (the old primary, still
   * reachable while a failover demotes it).
   */
  private static final Set<String> TRANSIENT_STATES =
      Set.of("57P01", "57P02", "57P03", "57014", "40001", "40P01", "25006");

  private static final Set<String> TRANSIENT_CLASSES = Set.of("08", "53", "55");

  /**
   * Failures of a dependency reached through a client whose exception types this library does not
   * depend on (SmallRye Fault Tolerance, the Vert.x pool), by simple class name.
   */
  private static final Set<String> TRANSIENT_TYPE_NAMES =
      Set.of("CircuitBreakerOpenException", "BulkheadException", "NoStackTraceTimeoutException");

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
        return TRANSIENT_STATES.contains(sqlState)
                || TRANSIENT_CLASSES.contains(sqlState.substring(0, 2))
            ? TRANSIENT
            : UNEXPLAINED;
      }
      if (t instanceof IOException
          || t instanceof TimeoutException
          || t instanceof ClosedConnectionException
          || t instanceof SQLTransientException
          || t instanceof SQLRecoverableException
          || TRANSIENT_TYPE_NAMES.contains(t.getClass().getSimpleName())
          || isClosedConnection(t)) {
        return TRANSIENT;
      }
    }
    return UNEXPLAINED;
  }

  /** Vert.x reports a connection closed under a request with a plain exception and this text. */
  private static boolean isClosedConnection(Throwable t) {
    String message = t.getMessage();
    return t instanceof io.vertx.core.VertxException
        && message != null
        && (message.contains("Connection was closed") || message.contains("Pool closed"));
  }
}
