package dev.tessera.launcher;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.tessera.servers.LocalPostgres;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** What {@code ./tessera status} says of the standby (real primary and standby). */
class ReplayLagTest {

  private LocalPostgres primary;
  private LocalPostgres standby;

  @AfterEach
  void closeBoth() {
    if (standby != null) {
      standby.close();
    }
    if (primary != null) {
      primary.close();
    }
  }

  @Test
  void a_standby_that_stops_streaming_from_its_primary_is_named_as_such() throws Exception {
    Path dir =
        Files.createTempDirectory(
            Files.createDirectories(Path.of(System.getProperty("java.io.tmpdir"))), "replay-lag-");
    primary = new LocalPostgres(dir.resolve("primary"), false);
    primary.start();
    standby = LocalPostgres.standbyOf(primary, dir.resolve("standby"), false, Duration.ZERO);
    standby.start();
    String primaryUrl = "postgresql://127.0.0.1:" + primary.port();
    String standbyUrl = "postgresql://127.0.0.1:" + standby.port();
    await()
        .atMost(Duration.ofSeconds(30))
        .until(() -> ReplayLag.describe(primaryUrl, standbyUrl).startsWith("replay lag "));

    // What a standby kept from an earlier start did before it followed its primary's new port.
    try (Connection c = standby.connectAsSuperuser("postgres");
        Statement s = c.createStatement()) {
      s.execute("alter system set primary_conninfo = 'host=localhost port=1 user=postgres'");
      s.execute("select pg_reload_conf()");
    }

    await()
        .atMost(Duration.ofSeconds(30))
        .untilAsserted(
            () ->
                assertThat(ReplayLag.describe(primaryUrl, standbyUrl))
                    .startsWith("NOT STREAMING from the primary")
                    .contains("no outbox change reaches Kafka")
                    .contains("replay lag"));
  }
}
