package dev.tessera.servers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class LocalPostgresTest {

  private static LocalPostgres postgres;

  @BeforeAll
  static void startPostgres() throws Exception {
    Path dir = Files.createTempDirectory(Path.of(System.getProperty("java.io.tmpdir")), "pg-test-");
    postgres = new LocalPostgres(dir, false);
    postgres.start();
  }

  @AfterAll
  static void closePostgres() {
    postgres.close();
  }

  @Test
  void runs_with_logical_replication_and_synchronous_commit() {
    assertThat(postgres.setting("wal_level")).isEqualTo("logical");
    assertThat(postgres.setting("synchronous_commit")).isEqualTo("on");
    assertThat(Integer.parseInt(postgres.setting("max_replication_slots"))).isGreaterThan(1);
    assertThat(Integer.parseInt(postgres.setting("max_wal_senders"))).isGreaterThan(1);
  }

  @Test
  void a_service_role_owns_its_database_and_can_replicate() throws SQLException {
    Database db = postgres.createDatabase("pgt_owned", "pgt_owned_role", "secret-1");

    assertThat(db.jdbcUrl())
        .isEqualTo("jdbc:postgresql://localhost:" + postgres.port() + "/pgt_owned");
    assertThat(db.reactiveUrl())
        .isEqualTo("postgresql://localhost:" + postgres.port() + "/pgt_owned");
    try (Connection c = postgres.connect("pgt_owned", db.owner());
        Statement s = c.createStatement()) {
      s.execute("create table t (id int primary key)");
      s.execute("create publication pgt_pub for table t");
      try (ResultSet r =
          s.executeQuery("select rolreplication from pg_roles where rolname = current_user")) {
        r.next();
        assertThat(r.getBoolean(1)).isTrue();
      }
    }
  }

  @Test
  void a_service_role_cannot_connect_to_another_services_database() {
    Database orders = postgres.createDatabase("pgt_orders", "pgt_orders", "orders-pw");
    postgres.createDatabase("pgt_billing", "pgt_billing", "billing-pw");

    assertThatThrownBy(() -> postgres.connect("pgt_billing", orders.owner()).close())
        .isInstanceOf(SQLException.class)
        .hasMessageContaining("permission denied for database");
    assertThatThrownBy(() -> postgres.connect("postgres", orders.owner()).close())
        .isInstanceOf(SQLException.class)
        .hasMessageContaining("permission denied for database");
  }

  @Test
  void a_wrong_password_is_rejected() {
    postgres.createDatabase("pgt_pw", "pgt_pw", "right");

    assertThatThrownBy(() -> postgres.connect("pgt_pw", new Credentials("pgt_pw", "wrong")).close())
        .isInstanceOf(SQLException.class)
        .hasMessageContaining("password authentication failed");
  }

  @Test
  void creating_a_database_twice_keeps_its_data_and_updates_the_password() throws SQLException {
    Database first = postgres.createDatabase("pgt_again", "pgt_again", "first");
    try (Connection c = postgres.connect("pgt_again", first.owner());
        Statement s = c.createStatement()) {
      s.execute("create table kept (id int)");
    }

    Database second = postgres.createDatabase("pgt_again", "pgt_again", "second");

    try (Connection c = postgres.connect("pgt_again", second.owner());
        Statement s = c.createStatement();
        ResultSet r = s.executeQuery("select count(*) from kept")) {
      r.next();
      assertThat(r.getInt(1)).isZero();
    }
  }
}
