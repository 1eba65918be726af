package dev.tessera.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tessera.e2e.GatewayClient.Response;
import dev.tessera.e2e.GatewayClient.Session;
import dev.tessera.launcher.TesseraSystem;
import dev.tessera.servers.Credentials;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Roles as identity issues them reach every service: the bootstrap admin, logged in through the
 * gateway with a token identity issued, may use billing's admin endpoint, and a user may not.
 */
class AdminRolesIT {

  private static final String PROVIDER_MODE = "/api/billing/admin/provider-mode";

  private final TesseraSystem system = WholeSystem.get();
  private final GatewayClient gateway = WholeSystem.gateway();

  @Test
  void the_bootstrap_admin_may_read_and_set_the_provider_mode_through_the_gateway() {
    Credentials admin = system.admin();
    Response login = gateway.logIn(admin.username(), admin.password());
    assertThat(login.status()).as("admin log-in: %s", login.body()).isEqualTo(200);
    String token = login.body().get("accessToken").asText();

    Response read = gateway.get(PROVIDER_MODE, token);
    assertThat(read.status()).as("%s", read.body()).isEqualTo(200);
    assertThat(read.body().get("mode").asText()).isNotBlank();

    Response set = gateway.put(PROVIDER_MODE, token, Map.of("mode", "healthy"));
    assertThat(set.status()).as("%s", set.body()).isEqualTo(200);
    assertThat(set.body().get("mode").asText()).isEqualTo("healthy");
  }

  @Test
  void a_user_without_the_admin_role_gets_403() {
    Session ada = gateway.signUpAndLogIn("Ada");
    Response read = gateway.get(PROVIDER_MODE, ada.accessToken());
    assertThat(read.status()).as("%s", read.body()).isEqualTo(403);
    assertThat(read.body().get("type").asText())
        .isEqualTo("https://tessera.dev/problems/forbidden");
  }
}
