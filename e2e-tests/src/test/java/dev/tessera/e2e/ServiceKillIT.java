package dev.tessera.e2e;

import dev.tessera.launcher.Services;
import dev.tessera.launcher.TesseraSystem;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * Each domain service in turn — every instance of it — is killed with SIGKILL mid-burst and
 * restarted, under one steady order flow; afterwards the saga's invariants hold for every order.
 * The phase each order was accepted in names the service that was down, so a broken invariant still
 * says which kill broke it.
 */
class ServiceKillIT {

  private static final Duration RECOVERY = Duration.ofSeconds(120);

  private final TesseraSystem system = WholeSystem.get();
  private final GatewayClient gateway = WholeSystem.gateway();

  @Test
  void every_order_settles_once_though_each_service_is_killed_mid_burst_and_restarted() {
    SagaInvariants invariants = SagaInvariants.watchDeadLetters(system);
    SteadyOrderFlow flow = SteadyOrderFlow.start(gateway);
    try {
      flow.awaitAccepted(5, RECOVERY);
      for (Services.Service service : system.services().domain()) {
        flow.phase(service.name() + " killed");
        Faults.kill(system, service.name());
        flow.keepRunningFor(Duration.ofSeconds(3));
        Faults.restart(system, service.name());
        flow.phase(service.name() + " restarted");
        flow.awaitAccepted(5, RECOVERY);
      }
      flow.close();
      invariants.assertHold(flow, "each service was killed -9 and restarted in turn");
      flow.assertOnlyAcceptedOrUnavailable();
    } finally {
      flow.close();
      Faults.restoreEverything(system);
    }
  }
}
