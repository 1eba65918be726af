package dev.tessera.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tessera.cdc.OutboxConnector;
import dev.tessera.launcher.AppProcess;
import dev.tessera.launcher.Services;
import dev.tessera.launcher.Tessera;
import dev.tessera.launcher.TesseraSystem;
import dev.tessera.servers.Credentials;
import java.sql.SQLException;
import org.junit.jupiter.api.Test;

/** What {@code ./tessera up} promises before any request is made. */
class SystemStartupIT {

  private final TesseraSystem system = WholeSystem.get();

  @Test
  void every_service_instance_and_the_gateway_report_ready() {
    assertThat(system.allInstances()).hasSize(Services.all().size() + 1); // orders runs twice
    for (AppProcess app : system.allInstances()) {
      assertThat(app.healthStatus("/q/health/ready")).as(app.id()).isEqualTo(200);
      assertThat(app.healthStatus("/q/health/live")).as(app.id()).isEqualTo(200);
    }
    assertThat(WholeSystem.gateway().get("/q/health/ready", null).status()).isEqualTo(200);
  }

  @Test
  void every_service_that_publishes_has_its_outbox_captured_by_its_own_connector() {
    for (String service : java.util.List.of("identity", "orders", "billing")) {
      String status =
          system.servers().connect().connectorStatus(new OutboxConnector(service).name());
      assertThat(status).as(service).isNotNull().contains("\"state\":\"RUNNING\"");
    }
    // Notifications publishes nothing: no connector (an idle one still costs Connect CPU).
    assertThat(
            system.servers().connect().connectorStatus(new OutboxConnector("notifications").name()))
        .isNull();
  }

  @Test
  void kafka_and_connect_compile_for_sustained_load() {
    // Every event crosses both twice; C1-only code costs them about twice the CPU
    // (docs/benchmarks.md, order saga).
    assertThat(system.servers().kafka().jvmOptions()).noneMatch(o -> o.startsWith("-XX:Tiered"));
    assertThat(system.servers().connect().jvmOptions()).noneMatch(o -> o.startsWith("-XX:Tiered"));
  }

  @Test
  void every_component_the_logs_command_names_has_its_log_there() {
    java.nio.file.Path data = system.options().dataDirectory();
    for (String name : java.util.List.of("kafka", "connect", "postgres", "redis", "orders")) {
      assertThat(Tessera.logFile(data, name)).as(name).isNotEmptyFile();
    }
    for (AppProcess app : system.allInstances()) {
      assertThat(Tessera.logFile(data, app.id())).as(app.id()).isEqualTo(app.log());
    }
  }

  @Test
  void a_service_role_opens_its_own_database_and_no_other() throws SQLException {
    Credentials orders = system.databaseOwner("orders");
    system.servers().postgres().connect("orders", orders).close();
    assertThatThrownBy(() -> system.servers().postgres().connect("billing", orders).close())
        .isInstanceOf(SQLException.class)
        .hasMessageContaining("permission denied");
  }
}
