package dev.tessera.eventing.inbox;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tessera.contracts.InvalidEventException;
import io.vertx.core.impl.NoStackTraceThrowable;
import io.vertx.pgclient.PgException;
import io.vertx.sqlclient.ClosedConnectionException;
import java.net.ConnectException;
import java.sql.SQLException;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.Test;

class FailureKindTest {

  @Test
  void an_unavailable_database_is_transient_wherever_it_sits_in_the_cause_chain() {
    assertThat(FailureKind.of(new ConnectException("Connection refused")))
        .isEqualTo(FailureKind.TRANSIENT);
    assertThat(FailureKind.of(new CompletionException(pg("57P01"))))
        .isEqualTo(FailureKind.TRANSIENT);
    assertThat(FailureKind.of(pg("55000"))).isEqualTo(FailureKind.TRANSIENT);
    assertThat(FailureKind.of(pg("08006"))).isEqualTo(FailureKind.TRANSIENT);
    assertThat(FailureKind.of(pg("53300"))).isEqualTo(FailureKind.TRANSIENT);
    assertThat(FailureKind.of(new IllegalStateException(ClosedConnectionException.INSTANCE)))
        .isEqualTo(FailureKind.TRANSIENT);
    assertThat(FailureKind.of(new SQLException("read only", "25006")))
        .isEqualTo(FailureKind.TRANSIENT);
  }

  @Test
  void a_pool_closed_under_a_record_while_the_instance_shuts_down_is_transient() {
    // Vert.x reports it as a bare Throwable, not a VertxException: classified "unexplained", four
    // records were dead-lettered by an orders instance stopping in a rolling update (2026-12-06).
    assertThat(FailureKind.of(new NoStackTraceThrowable("Pool closed")))
        .isEqualTo(FailureKind.TRANSIENT);
  }

  @Test
  void a_lost_race_is_transient() {
    assertThat(FailureKind.of(pg("40001"))).isEqualTo(FailureKind.TRANSIENT);
    assertThat(FailureKind.of(pg("40P01"))).isEqualTo(FailureKind.TRANSIENT);
  }

  @Test
  void an_invalid_event_or_a_declared_permanent_failure_is_permanent() {
    assertThat(FailureKind.of(new PermanentEventFailure("rule broken")))
        .isEqualTo(FailureKind.PERMANENT);
    assertThat(FailureKind.of(new RuntimeException(new InvalidEventException("bad", null))))
        .isEqualTo(FailureKind.PERMANENT);
  }

  @Test
  void a_database_error_that_no_retry_can_fix_and_a_plain_bug_are_unexplained() {
    // A constraint violation does not become transient because a timeout sits below it.
    var unique = new SQLException("duplicate key", "23505", new TimeoutException());
    assertThat(FailureKind.of(new RuntimeException(unique))).isEqualTo(FailureKind.UNEXPLAINED);
    assertThat(FailureKind.of(pg("23505"))).isEqualTo(FailureKind.UNEXPLAINED);
    assertThat(FailureKind.of(new NullPointerException())).isEqualTo(FailureKind.UNEXPLAINED);
  }

  private static PgException pg(String sqlState) {
    return new PgException("failed", "ERROR", sqlState, null);
  }
}
