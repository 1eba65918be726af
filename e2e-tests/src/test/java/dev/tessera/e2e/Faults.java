package dev.tessera.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tessera.cdc.OutboxConnector;
import dev.tessera.contracts.EventTypes;
import dev.tessera.launcher.AppProcess;
import dev.tessera.launcher.Services;
import dev.tessera.launcher.TesseraSystem;
import dev.tessera.servers.LocalServer;
import dev.tessera.servers.LocalServers;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;

/**
 * The faults the resilience tests inject into the whole system, and {@link #restoreEverything},
 * which every such test runs when it ends: the system is shared by every IT class of the JVM.
 */
final class Faults {

  /** How long a restarted service has to become ready on a loaded 2-core machine. */
  static final Duration SERVICE_START = Duration.ofSeconds(300);

  private static final HttpClient HTTP =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  private Faults() {}

  /**
   * What a failover looks like to the services: their databases refuse new connections ({@code
   * ALLOW_CONNECTIONS false}) and every session they have is terminated, Debezium's included.
   */
  static void refuseDatabaseConnections(TesseraSystem system) {
    onEveryServiceDatabase(
        system, "alter database \"%s\" with allow_connections false", "refuse connections");
    try (Connection c = system.servers().postgres().connectAsSuperuser("postgres");
        Statement s = c.createStatement()) {
      s.execute(
          "select pg_terminate_backend(pid) from pg_stat_activity where datname in ("
              + String.join(
                  ", ", system.services().domain().stream().map(d -> "'" + d.name() + "'").toList())
              + ")");
    } catch (SQLException e) {
      throw new IllegalStateException("could not terminate the services' sessions", e);
    }
  }

  /** Ends {@link #refuseDatabaseConnections}. */
  static void allowDatabaseConnections(TesseraSystem system) {
    onEveryServiceDatabase(
        system, "alter database \"%s\" with allow_connections true", "allow connections");
  }

  /** SIGKILL to every instance of {@code service}. */
  static void kill(TesseraSystem system, String service) {
    system.instances(service).forEach(AppProcess::kill);
  }

  /**
   * Pauses ({@code STOP}) or resumes ({@code CONT}) an instance's process: paused, it keeps its JIT
   * state, its connections and its place in its consumer groups (for less than their session
   * timeout), which a restarted JVM would have to build again.
   */
  static void signal(AppProcess process, String signal) {
    try {
      Process kill =
          new ProcessBuilder("kill", "-" + signal, Long.toString(process.pid()))
              .inheritIO()
              .start();
      assertThat(kill.waitFor()).as("kill -%s %s", signal, process.id()).isZero();
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** Starts every instance of {@code service} that is not running and waits until it is ready. */
  static void restart(TesseraSystem system, String service) {
    List<AppProcess> instances = system.instances(service);
    instances.stream().filter(p -> !p.isAlive()).forEach(AppProcess::start);
    instances.forEach(p -> p.awaitHealthy("/q/health/ready", SERVICE_START));
  }

  /**
   * Brings back whatever a fault left behind, so that the next test starts from a whole system:
   * connections allowed, every server and instance running and ready, every connector running.
   */
  static void restoreEverything(TesseraSystem system) {
    LocalServers servers = system.servers();
    for (LocalServer server :
        List.<LocalServer>of(
            servers.postgres(), servers.kafka(), servers.connect(), servers.redis())) {
      if (!server.isRunning()) {
        server.start();
      }
    }
    allowDatabaseConnections(system);
    system.allInstances().stream().filter(p -> !p.isAlive()).forEach(AppProcess::start);
    system.allInstances().forEach(p -> p.awaitHealthy("/q/health/ready", SERVICE_START));
    for (String service : EventTypes.publishers()) {
      String connector = new OutboxConnector(service).name();
      restartFailedTasks(servers.connect().restUrl(), connector);
      servers.connect().awaitConnectorRunning(connector, Duration.ofSeconds(60));
    }
  }

  private static void onEveryServiceDatabase(TesseraSystem system, String ddl, String what) {
    try (Connection c = system.servers().postgres().connectAsSuperuser("postgres");
        Statement s = c.createStatement()) {
      for (Services.Service service : system.services().domain()) {
        s.execute(String.format(ddl, service.name()));
      }
    } catch (SQLException e) {
      throw new IllegalStateException("could not " + what + " on the services' databases", e);
    }
  }

  private static void restartFailedTasks(String restUrl, String connector) {
    HttpRequest restart =
        HttpRequest.newBuilder(
                URI.create(
                    restUrl
                        + "/connectors/"
                        + connector
                        + "/restart?includeTasks=true&onlyFailed=true"))
            .timeout(Duration.ofSeconds(30))
            .POST(HttpRequest.BodyPublishers.noBody())
            .build();
    try {
      HTTP.send(restart, HttpResponse.BodyHandlers.discarding());
    } catch (IOException e) {
      throw new IllegalStateException("Kafka Connect did not answer a restart of " + connector, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
