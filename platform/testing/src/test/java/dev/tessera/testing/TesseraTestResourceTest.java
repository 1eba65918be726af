package dev.tessera.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tessera.servers.Credentials;
import dev.tessera.servers.Database;
import dev.tessera.servers.Servers;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Map;
import org.junit.jupiter.api.Test;

class TesseraTestResourceTest {

  @Test
  void a_service_gets_its_database_and_the_addresses_of_every_server() throws Exception {
    Map<String, String> config = start(Map.of(TesseraTestResource.SERVICE, "ttr-orders"));
    Servers servers = TesseraServers.shared();
    int pg = servers.postgres().port();

    assertThat(config)
        .containsExactlyInAnyOrderEntriesOf(
            Map.of(
                "quarkus.datasource.reactive.url",
                "postgresql://localhost:" + pg + "/ttr_orders",
                "quarkus.datasource.jdbc.url",
                "jdbc:postgresql://localhost:" + pg + "/ttr_orders",
                "quarkus.datasource.username",
                "ttr_orders",
                "quarkus.datasource.password",
                "ttr_orders-local",
                "kafka.bootstrap.servers",
                servers.kafka().bootstrapServers(),
                "quarkus.redis.hosts",
                "redis://127.0.0.1:" + servers.redis().port(),
                "quarkus.mailer.host",
                "127.0.0.1",
                "quarkus.mailer.port",
                Integer.toString(servers.smtp().port()),
                "quarkus.mailer.mock",
                "false",
                "quarkus.devservices.enabled",
                "false"));
    try (Connection c =
            servers
                .postgres()
                .connect("ttr_orders", new Credentials("ttr_orders", "ttr_orders-local"));
        Statement s = c.createStatement();
        ResultSet r = s.executeQuery("select current_database(), current_user")) {
      r.next();
      assertThat(r.getString(1)).isEqualTo("ttr_orders");
      assertThat(r.getString(2)).isEqualTo("ttr_orders");
    }
  }

  @Test
  void one_services_role_cannot_reach_another_services_database() {
    start(Map.of(TesseraTestResource.SERVICE, "ttr-billing"));
    Map<String, String> identity = start(Map.of(TesseraTestResource.SERVICE, "ttr-identity"));

    assertThatThrownBy(
            () ->
                TesseraServers.shared()
                    .postgres()
                    .connect(
                        "ttr_billing",
                        new Credentials(
                            identity.get("quarkus.datasource.username"),
                            identity.get("quarkus.datasource.password")))
                    .close())
        .isInstanceOf(SQLException.class)
        .hasMessageContaining("permission denied for database \"ttr_billing\"");
  }

  @Test
  void a_callback_runs_with_the_database_and_adds_its_configuration() {
    Map<String, String> config =
        start(
            Map.of(
                TesseraTestResource.SERVICE,
                "ttr-notifications",
                TesseraTestResource.CALLBACK,
                RecordingCallback.class.getName()));

    assertThat(config)
        .containsEntry("test.callback.database", "ttr_notifications")
        .containsEntry("test.callback.connect", TesseraServers.shared().connect().restUrl());
  }

  @Test
  void a_resource_without_a_service_name_is_refused() {
    assertThatThrownBy(() -> new TesseraTestResource().init(Map.of()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("service");
  }

  private static Map<String, String> start(Map<String, String> initArgs) {
    TesseraTestResource resource = new TesseraTestResource();
    resource.init(initArgs);
    Map<String, String> config = resource.start();
    resource.stop();
    return config;
  }

  /** Stands for the eventing code that registers a service's outbox connector. */
  public static final class RecordingCallback implements ServiceResourceCallback {
    @Override
    public Map<String, String> serversReady(String service, Servers servers, Database database) {
      return Map.of(
          "test.callback.database", database.name(),
          "test.callback.connect", servers.connect().restUrl());
    }
  }
}
