package dev.tessera.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.tessera.e2e.GatewayClient.Session;
import dev.tessera.launcher.AppProcess;
import dev.tessera.launcher.TesseraSystem;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * An instance dies, a token is revoked: the gateway keeps its promises. (Processes and servers
 * killed under a steady order flow, with the saga's invariants checked afterwards, are {@link
 * ServiceKillIT}'s and {@link ServerFaultsIT}'s.)
 */
class ResilienceIT {

  private final TesseraSystem system = WholeSystem.get();
  private final GatewayClient gateway = WholeSystem.gateway();

  @Test
  void a_logged_out_token_is_refused_on_every_route() {
    Session eve = gateway.signUpAndLogIn("Eve");
    assertThat(gateway.get("/api/identity/users/me", eve.accessToken()).status()).isEqualTo(200);

    assertThat(gateway.delete("/api/identity/tokens/current", eve.accessToken()).status())
        .isBetween(200, 204);

    // The gateway caches "not revoked" for at most a second (tessera.gateway.revocation.*).
    for (String route :
        List.of(
            "/api/identity/users/me",
            "/api/orders",
            "/api/billing/account",
            "/api/billing/invoices",
            "/api/notifications")) {
      await()
          .atMost(Duration.ofSeconds(3))
          .untilAsserted(
              () ->
                  assertThat(gateway.get(route, eve.accessToken()).status())
                      .as(route)
                      .isEqualTo(401));
    }
  }

  @Test
  void requests_keep_succeeding_when_one_of_two_orders_instances_is_killed() {
    Session gus = gateway.signUpAndLogIn("Gus");
    AppProcess second = system.instances("orders").get(1);
    second.kill();
    try {
      List<Integer> statuses = new ArrayList<>();
      for (int i = 0; i < 20; i++) {
        statuses.add(gateway.get("/api/orders", gus.accessToken()).status());
      }
      assertThat(statuses).containsOnly(200);
    } finally {
      second.start();
      second.awaitHealthy("/q/health/ready", Duration.ofSeconds(120));
    }
  }
}
