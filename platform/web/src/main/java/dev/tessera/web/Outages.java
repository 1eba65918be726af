package dev.tessera.web;

import io.vertx.core.VertxException;
import io.vertx.core.http.ConnectionPoolTooBusyException;
import io.vertx.core.impl.NoStackTraceThrowable;
import io.vertx.core.impl.NoStackTraceTimeoutException;
import io.vertx.sqlclient.ClosedConnectionException;
import io.vertx.sqlclient.DatabaseException;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.channels.ClosedChannelException;
import java.sql.SQLException;
import java.sql.SQLRecoverableException;
import java.sql.SQLTransientConnectionException;
import java.util.Set;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeoutException;

/**
 * Tells a dependency outage (the database refuses, drops or resets connections, its pool is
 * exhausted, Redis is unreachable, a bounded executor is full) from a fault of the service itself.
 * An outage is answered {@code 503} with {@code Retry-After}: the same request may well succeed in
 * a moment.
 */
public final class Outages {

  // SQLSTATEs of a server that cannot serve now (PostgreSQL appendix A): connection exceptions
  // (class 08), too many connections, admin/crash shutdown, "cannot connect now" (starting up or in
  // recovery), and "database is not accepting connections" (ALTER DATABASE ... ALLOW_CONNECTIONS).
  // TS001 is Tessera's: a write to a shard this database does not own now, refused by the write
  // fence of a shard move (docs/sharding.md); the shard's owner takes it once routing follows.
  private static final Set<String> UNAVAILABLE_STATES =
      Set.of("53300", "57P01", "57P02", "57P03", "55000", "TS001");

  // Fault-tolerance rejections of a guarded dependency (circuit open, bulkhead full, timeout),
  // named rather than imported: not every service has the fault-tolerance library.
  private static final String FAULT_TOLERANCE =
      "org.eclipse.microprofile.faulttolerance.exceptions.";

  private Outages() {}

  /** The link of {@code failure}'s cause chain that shows an outage, or null when none does. */
  public static Throwable outage(Throwable failure) {
    int depth = 0;
    for (Throwable t = failure; t != null && depth < 32; t = t.getCause(), depth++) {
      if (isOutage(t)) {
        return t;
      }
    }
    return null;
  }

  /**
   * Whether {@code t} itself (not its causes) shows an outage; a caller that walks a cause chain
   * with rules of its own (the event consumers' {@code FailureKind}) asks this for each link.
   */
  public static boolean isOutage(Throwable t) {
    // SocketException covers a refused connection, no route to the host, and a connection reset
    // or broken under a query (a session the database ended before its FATAL message was read).
    if (t instanceof SocketException
        || t instanceof SocketTimeoutException
        || t instanceof ClosedChannelException
        || t instanceof ClosedConnectionException
        || t instanceof ConnectionPoolTooBusyException
        || t instanceof NoStackTraceTimeoutException
        || t instanceof TimeoutException
        || t instanceof io.smallrye.mutiny.TimeoutException
        || t instanceof RejectedExecutionException
        || t instanceof SQLTransientConnectionException
        || t instanceof SQLRecoverableException
        || t.getClass().getName().startsWith(FAULT_TOLERANCE)
        || isClosedConnection(t)) {
      return true;
    }
    if (t instanceof DatabaseException db) {
      return unavailable(db.getSqlState());
    }
    if (t instanceof SQLException sql) {
      return unavailable(sql.getSQLState());
    }
    return false;
  }

  /**
   * Vert.x reports a connection closed under a request, and a pool that closes (the instance shuts
   * down) to the requests waiting on it, with a plain exception or a bare {@code
   * NoStackTraceThrowable} and this text.
   */
  private static boolean isClosedConnection(Throwable t) {
    String message = t.getMessage();
    return (t instanceof VertxException || t instanceof NoStackTraceThrowable)
        && message != null
        && (message.contains("Connection was closed") || message.contains("Pool closed"));
  }

  private static boolean unavailable(String sqlState) {
    return sqlState != null && (sqlState.startsWith("08") || UNAVAILABLE_STATES.contains(sqlState));
  }
}
