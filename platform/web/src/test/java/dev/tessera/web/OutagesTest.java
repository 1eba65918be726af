package dev.tessera.web;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.VertxException;
import io.vertx.core.http.ConnectionPoolTooBusyException;
import io.vertx.core.impl.NoStackTraceThrowable;
import io.vertx.pgclient.PgException;
import io.vertx.sqlclient.ClosedConnectionException;
import java.net.ConnectException;
import java.net.SocketException;
import java.sql.SQLException;
import java.util.concurrent.CompletionException;
import org.junit.jupiter.api.Test;

class OutagesTest {

  @Test
  void a_refused_connection_deep_in_a_cause_chain_is_an_outage() {
    ConnectException refused = new ConnectException("Connection refused");
    Throwable wrapped =
        new IllegalStateException(
            "session failed", new CompletionException(new RuntimeException(refused)));
    assertThat(Outages.outage(wrapped)).isSameAs(refused);
  }

  @Test
  void a_closed_connection_and_an_exhausted_pool_are_outages() {
    assertThat(Outages.outage(ClosedConnectionException.INSTANCE)).isNotNull();
    assertThat(Outages.outage(new VertxException("Connection was closed", true))).isNotNull();
    // What a pool that is closing (the instance shuts down) fails its waiting requests with.
    assertThat(Outages.outage(new NoStackTraceThrowable("Pool closed"))).isNotNull();
    assertThat(Outages.outage(new ConnectionPoolTooBusyException("max wait queue size")))
        .isNotNull();
  }

  @Test
  void a_database_connection_reset_under_a_query_is_an_outage() {
    // What Hibernate Reactive reports when pg_terminate_backend ends a pooled session and the
    // socket is reset before PostgreSQL's FATAL message is read (seen in CI: answered 500).
    Throwable reset =
        new IllegalStateException(
            "query failed", new CompletionException(new SocketException("Connection reset")));
    assertThat(Outages.outage(reset)).isInstanceOf(SocketException.class);
    assertThat(Outages.outage(new SocketException("Broken pipe"))).isNotNull();
  }

  @Test
  void postgres_refusing_or_ending_sessions_is_an_outage() {
    for (String state : new String[] {"08006", "57P01", "57P03", "53300", "55000"}) {
      assertThat(Outages.outage(new PgException("no", "FATAL", state, "detail")))
          .as(state)
          .isNotNull();
    }
    assertThat(Outages.outage(new SQLException("gone", "08001"))).isNotNull();
  }

  @Test
  void a_write_the_shard_fence_refuses_is_an_outage_to_retry_not_a_fault() {
    // TS001: the shard is moving or moved (orders' V6); its new owner takes the retry.
    assertThat(Outages.outage(new PgException("shard 7 is MOVED", "ERROR", "TS001", "d")))
        .isNotNull();
  }

  @Test
  void a_query_the_database_rejects_is_not_an_outage() {
    // 22021: "invalid byte sequence" (a NUL byte); 23505: a unique violation; 42601: bad SQL;
    // TS002: a write to a sharded table outside READ COMMITTED (orders' V7), a fault of the code.
    for (String state : new String[] {"22021", "23505", "42601", "TS002"}) {
      assertThat(Outages.outage(new PgException("no", "ERROR", state, "detail")))
          .as(state)
          .isNull();
    }
    assertThat(Outages.outage(new IllegalArgumentException("bug"))).isNull();
    assertThat(Outages.outage(new NullPointerException())).isNull();
  }
}
