package dev.tessera.e2e;

import dev.tessera.cdc.OutboxConnector;
import dev.tessera.contracts.EventTypes;
import dev.tessera.launcher.TesseraSystem;
import dev.tessera.servers.LocalServers;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * One server of the system fails under a steady order flow — the databases refuse connections, or
 * PostgreSQL, Kafka, Kafka Connect or Redis is killed with SIGKILL and restarted — and once it is
 * back, the saga's invariants hold ({@link SagaInvariants}) and no answer was a {@code 500}.
 */
class ServerFaultsIT {

  /** Orders accepted before the fault: the flow is demonstrably in progress when it lands. */
  private static final int BEFORE = 10;

  /** Orders accepted after the recovery: the flow demonstrably goes on. */
  private static final int AFTER = 10;

  private static final Duration WARM_UP = Duration.ofSeconds(60);
  private static final Duration RECOVERY = Duration.ofSeconds(120);

  private final TesseraSystem system = WholeSystem.get();
  private final GatewayClient gateway = WholeSystem.gateway();

  @Test
  void every_order_settles_once_though_the_service_databases_refuse_connections_for_60_s() {
    underSteadyFlow(
        "the service databases refused connections for 60 s",
        flow -> {
          flow.phase("databases refusing connections");
          Faults.refuseDatabaseConnections(system);
          flow.keepRunningFor(Duration.ofSeconds(60));
          Faults.allowDatabaseConnections(system);
        });
  }

  @Test
  void every_order_settles_once_though_postgres_is_killed_and_restarted() {
    underSteadyFlow(
        "PostgreSQL was killed -9 and restarted",
        flow -> {
          flow.phase("postgres killed");
          servers().postgres().kill();
          flow.keepRunningFor(Duration.ofSeconds(10));
          servers().postgres().start();
        });
  }

  @Test
  void every_order_settles_once_though_the_kafka_broker_is_killed_and_restarted() {
    underSteadyFlow(
        "the Kafka broker was killed -9 and restarted",
        flow -> {
          flow.phase("kafka killed");
          servers().kafka().kill();
          flow.keepRunningFor(Duration.ofSeconds(10));
          servers().kafka().start();
        });
  }

  @Test
  void every_order_settles_once_though_kafka_connect_is_killed_mid_burst() {
    underSteadyFlow(
        "Kafka Connect was killed -9 mid-burst and restarted",
        flow -> {
          flow.phase("connect killed");
          servers().connect().kill();
          // Orders go on being accepted: their events wait in the outboxes.
          flow.awaitAccepted(BEFORE, RECOVERY);
          servers().connect().start();
          // Every connector comes back by itself, not only those the saga goes through.
          for (String service : EventTypes.publishers()) {
            servers()
                .connect()
                .awaitConnectorRunning(new OutboxConnector(service).name(), Duration.ofSeconds(60));
          }
        });
  }

  @Test
  void every_order_settles_once_though_redis_is_killed_and_restarted() {
    underSteadyFlow(
        "Redis was killed -9 and restarted",
        flow -> {
          flow.phase("redis killed");
          servers().redis().kill();
          flow.keepRunningFor(Duration.ofSeconds(5));
          servers().redis().start();
        });
  }

  private LocalServers servers() {
    return system.servers();
  }

  /**
   * Runs {@code fault} while orders flow, then checks that the flow resumes and the invariants hold
   * — before anything is restored, so that a system that does not recover by itself fails.
   */
  private void underSteadyFlow(String fault, java.util.function.Consumer<SteadyOrderFlow> inject) {
    SagaInvariants invariants = SagaInvariants.watchDeadLetters(system);
    SteadyOrderFlow flow = SteadyOrderFlow.start(gateway);
    try {
      flow.awaitAccepted(BEFORE, WARM_UP);
      inject.accept(flow);
      flow.phase("recovered");
      flow.awaitAccepted(AFTER, RECOVERY);
      flow.close();
      invariants.assertHold(flow, fault);
      flow.assertOnlyAcceptedOrUnavailable();
    } finally {
      flow.close();
      Faults.restoreEverything(system);
    }
  }
}
