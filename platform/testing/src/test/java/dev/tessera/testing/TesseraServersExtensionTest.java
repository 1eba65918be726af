package dev.tessera.testing;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tessera.servers.Kafka;
import dev.tessera.servers.KafkaConnect;
import dev.tessera.servers.Postgres;
import dev.tessera.servers.Servers;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(TesseraServersExtension.class)
class TesseraServersExtensionTest {

  @Test
  void parameters_are_the_parts_of_the_one_shared_set(
      Servers servers, Postgres postgres, Kafka kafka, KafkaConnect connect) {
    assertThat(servers).isSameAs(TesseraServers.shared());
    assertThat(postgres).isSameAs(servers.postgres());
    assertThat(kafka).isSameAs(servers.kafka());
    assertThat(connect).isSameAs(servers.connect());
  }

  @Test
  void the_default_infrastructure_runs_on_this_machine_without_docker(Servers servers) {
    assertThat(TesseraServers.infra()).isEqualTo("local");
    assertThat(servers).isInstanceOf(dev.tessera.servers.LocalServers.class);
  }

  @Test
  void the_shared_postgres_answers_as_superuser(Postgres postgres) throws Exception {
    try (Connection c = postgres.connectAsSuperuser("postgres");
        Statement s = c.createStatement();
        ResultSet r = s.executeQuery("show wal_level")) {
      r.next();
      assertThat(r.getString(1)).isEqualTo("logical");
    }
  }
}
