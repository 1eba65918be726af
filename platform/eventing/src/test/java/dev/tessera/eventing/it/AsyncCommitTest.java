package dev.tessera.eventing.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tessera.eventing.AsyncCommit;
import dev.tessera.testing.TesseraTestResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.junit.QuarkusTest;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import org.junit.jupiter.api.Test;

@QuarkusTest
@QuarkusTestResource(
    value = TesseraTestResource.class,
    initArgs = @ResourceArg(name = "service", value = EventingTestSupport.SERVICE))
class AsyncCommitTest {

  @Test
  void an_update_referencing_the_cte_commits_asynchronously_and_only_its_own_transaction()
      throws SQLException {
    try (Connection c = EventingTestSupport.connect()) {
      execute(c, "create temporary table mark (id int primary key, done boolean not null)");
      execute(c, "insert into mark values (1, false)");
      assertThat(synchronousCommit(c)).isEqualTo("on");
      c.setAutoCommit(false);
      execute(c, AsyncCommit.CTE + "update mark set done = true from async_commit where id = 1");
      // The transaction's commit reads the setting.
      assertThat(synchronousCommit(c)).isEqualTo("off");
      c.commit();
      // The next transaction, on the same session, commits synchronously again.
      assertThat(synchronousCommit(c)).isEqualTo("on");
    }
  }

  @Test
  void an_insert_in_a_cte_joined_with_it_commits_asynchronously_and_returns_its_row()
      throws SQLException {
    try (Connection c = EventingTestSupport.connect()) {
      execute(c, "create temporary table charge (key text primary key)");
      c.setAutoCommit(false);
      try (PreparedStatement insert =
          c.prepareStatement(
              AsyncCommit.CTE
                  + ", inserted as (insert into charge values (?) returning key)"
                  + " select inserted.key from inserted, async_commit")) {
        insert.setString(1, "order-1");
        try (ResultSet r = insert.executeQuery()) {
          assertThat(r.next()).isTrue();
          assertThat(r.getString(1)).isEqualTo("order-1");
        }
      }
      assertThat(synchronousCommit(c)).isEqualTo("off");
      c.commit();
      assertThat(synchronousCommit(c)).isEqualTo("on");
    }
  }

  private static void execute(Connection c, String sql) throws SQLException {
    try (Statement s = c.createStatement()) {
      s.execute(sql);
    }
  }

  private static String synchronousCommit(Connection c) throws SQLException {
    try (Statement s = c.createStatement();
        ResultSet r = s.executeQuery("show synchronous_commit")) {
      r.next();
      return r.getString(1);
    }
  }
}
