package dev.tessera.orders.it;

import static dev.tessera.orders.it.OrdersTestSupport.MUG;
import static dev.tessera.orders.it.OrdersTestSupport.as;
import static dev.tessera.orders.it.OrdersTestSupport.items;
import static dev.tessera.orders.it.OrdersTestSupport.place;
import static dev.tessera.orders.it.OrdersTestSupport.produce;
import static dev.tessera.orders.it.OrdersTestSupport.status;
import static dev.tessera.orders.it.OrdersTestSupport.succeeded;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.notNullValue;

import dev.tessera.orders.events.PaymentEventsConsumer;
import dev.tessera.sharding.Shards;
import dev.tessera.testing.ServiceDatabase;
import dev.tessera.testing.ShardedDatabasesResource;
import dev.tessera.testing.TesseraServers;
import dev.tessera.testing.TesseraTestResource;
import dev.tessera.testing.TestTokens;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.http.ContentType;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * Orders over two databases: the test database and {@code orders_s2} (ShardedDatabasesResource),
 * which owns a shard once a test has moved it there as a move's last step leaves it (the first
 * database's lease {@code MOVED}, the second's {@code OWNED}). The router reads the leases at start
 * and after a refusal only (LeasesReadOnDemand), so each request or record for a moved shard is
 * first refused by the first database (TS001) and must find the shard's new owner by itself.
 */
@QuarkusTest
@TestProfile(ShardRoutingTest.LeasesReadOnDemand.class)
@QuarkusTestResource(
    value = TesseraTestResource.class,
    initArgs = @ResourceArg(name = "service", value = "orders"))
@QuarkusTestResource(
    value = ShardedDatabasesResource.class,
    initArgs = @ResourceArg(name = "service", value = "orders"),
    // Only here: the other test classes run on one database.
    restrictToAnnotatedClass = true)
@QuarkusTestResource(TestTokens.class)
class ShardRoutingTest {

  private static final Duration DEADLINE = Duration.ofSeconds(30);
  private static final String SECOND = "orders_s2";

  /** No periodic read of the leases: only a refusal makes the router look. */
  public static class LeasesReadOnDemand implements QuarkusTestProfile {
    @Override
    public Map<String, String> getConfigOverrides() {
      return Map.of("tessera.sharding.refresh-every", "1h");
    }
  }

  @Test
  void a_users_requests_go_to_the_database_that_owns_the_users_shard_even_right_after_a_move() {
    UUID stays = UUID.randomUUID();
    UUID moved = userOnAnotherShardThan(stays);
    moveToSecond(Shards.ofUser(moved));
    try {
      UUID stayingOrder = place(stays, MUG, 1);
      UUID movedOrder = place(moved, MUG, 2);

      assertThat(ServiceDatabase.count("select count(*) from orders where id = ?", stayingOrder))
          .isOne();
      assertThat(count(SECOND, "select count(*) from orders where id = ?", stayingOrder)).isZero();
      assertThat(count(SECOND, "select count(*) from orders where id = ?", movedOrder)).isOne();
      assertThat(ServiceDatabase.count("select count(*) from orders where id = ?", movedOrder))
          .isZero();
      assertThat(status(moved, movedOrder)).isEqualTo("PENDING_PAYMENT");
      List<String> listed =
          as(moved)
              .get("/api/orders?status=PENDING_PAYMENT")
              .then()
              .statusCode(200)
              .extract()
              .path("items.id");
      assertThat(listed).containsExactly(movedOrder.toString());

      as(moved).post("/api/orders/" + movedOrder + "/cancellation").then().statusCode(200);
      assertThat(
              count(
                  SECOND,
                  "select count(*) from orders where id = ? and status = 'CANCELLED'",
                  movedOrder))
          .isOne();
      // Another user's order is a 404 wherever it is.
      as(stays).get("/api/orders/" + movedOrder).then().statusCode(404);
    } finally {
      giveBack(Shards.ofUser(moved));
    }
  }

  @Test
  void a_payment_result_is_applied_in_the_database_of_its_user_with_the_shard_on_its_inbox_row() {
    UUID user = UUID.randomUUID();
    int shard = Shards.ofUser(user);
    moveToSecond(shard);
    try {
      UUID order = place(user, MUG, 1);
      String eventId = UUID.randomUUID().toString();

      produce(eventId, succeeded(order, user));

      await().atMost(DEADLINE).until(() -> status(user, order).equals("CONFIRMED"));
      assertThat(
              count(
                  SECOND,
                  "select count(*) from inbox where consumer = ? and event_id = ? and shard = ?",
                  PaymentEventsConsumer.CONSUMER,
                  UUID.fromString(eventId),
                  shard))
          .isOne();
      assertThat(
              ServiceDatabase.count(
                  "select count(*) from inbox where event_id = ?", UUID.fromString(eventId)))
          .isZero();
    } finally {
      giveBack(shard);
    }
  }

  @Test
  void an_order_of_a_shard_without_an_owner_is_a_503_and_writes_nothing_anywhere() {
    UUID user = UUID.randomUUID();
    int shard = Shards.ofUser(user);
    // Between a move's fence and its hand-over: moved away, not owned by the target yet.
    ServiceDatabase.execute("update shard_lease set state = 'MOVED' where shard = ?", shard);
    execute(SECOND, "insert into shard_lease (shard, state) values (?, 'RECEIVING')", shard);
    try {
      as(user)
          .contentType(ContentType.JSON)
          .body(items(MUG, 1))
          .post("/api/orders")
          .then()
          .statusCode(503)
          .header("Retry-After", notNullValue());

      assertThat(ServiceDatabase.count("select count(*) from orders where user_id = ?", user))
          .isZero();
      assertThat(count(SECOND, "select count(*) from orders where user_id = ?", user)).isZero();
    } finally {
      giveBack(shard);
    }
  }

  @Test
  void with_another_database_gone_the_instance_stays_ready_and_serves_the_users_of_its_home() {
    UUID away = UUID.randomUUID();
    UUID home = userOnAnotherShardThan(away);
    int shard = Shards.ofUser(away);
    moveToSecond(shard);
    try {
      place(away, MUG, 1);
      // The second database stops taking connections and drops the ones it has: gone.
      superuser(
          "alter database " + SECOND + " allow_connections false",
          "select pg_terminate_backend(pid) from pg_stat_activity where datname = '"
              + SECOND
              + "'");
      try {
        // Ready, naming what it cannot reach: out of service, it would fail the home users too.
        given()
            .get("/q/health/ready")
            .then()
            .statusCode(200)
            .body(containsString("orders2.unreachable"));
        place(home, MUG, 1);
        as(away)
            .contentType(ContentType.JSON)
            .body(items(MUG, 1))
            .post("/api/orders")
            .then()
            .statusCode(503)
            .header("Retry-After", notNullValue());
      } finally {
        superuser("alter database " + SECOND + " allow_connections true");
      }
      // Back: its users' orders are taken again, where their shard is.
      await()
          .atMost(DEADLINE)
          .untilAsserted(
              () ->
                  as(away)
                      .contentType(ContentType.JSON)
                      .body(items(MUG, 1))
                      .post("/api/orders")
                      .then()
                      .statusCode(201));
      assertThat(count(SECOND, "select count(*) from orders where user_id = ?", away)).isEqualTo(2);
      assertThat(ServiceDatabase.count("select count(*) from orders where user_id = ?", away))
          .isZero();
    } finally {
      giveBack(shard);
    }
  }

  private static void superuser(String... statements) {
    try (Connection c = TesseraServers.shared().postgres().connectAsSuperuser("postgres");
        Statement s = c.createStatement()) {
      for (String statement : statements) {
        s.execute(statement);
      }
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
  }

  /**
   * What a move's last steps leave for {@code shard}: moved from the first, owned by the second.
   */
  private static void moveToSecond(int shard) {
    ServiceDatabase.execute("update shard_lease set state = 'MOVED' where shard = ?", shard);
    execute(SECOND, "insert into shard_lease (shard, state) values (?, 'OWNED')", shard);
  }

  /** The shard back on the first database, as it was; what the test wrote on the second goes. */
  private static void giveBack(int shard) {
    for (String table : List.of("orders", "idempotency_key", "user_projection", "inbox")) {
      execute(SECOND, "delete from " + table + " where shard = ?", shard);
    }
    execute(SECOND, "delete from shard_lease where shard = ?", shard);
    ServiceDatabase.execute("update shard_lease set state = 'OWNED' where shard = ?", shard);
  }

  private static UUID userOnAnotherShardThan(UUID other) {
    while (true) {
      UUID user = UUID.randomUUID();
      if (Shards.ofUser(user) != Shards.ofUser(other)) {
        return user;
      }
    }
  }

  private static int count(String database, String sql, Object... parameters) {
    return ServiceDatabase.countIn(database, sql, parameters);
  }

  private static void execute(String database, String sql, Object... parameters) {
    ServiceDatabase.executeIn(database, sql, parameters);
  }
}
