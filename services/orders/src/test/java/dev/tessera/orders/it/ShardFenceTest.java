package dev.tessera.orders.it;

import static dev.tessera.orders.it.OrdersTestSupport.BILLING_DLQ;
import static dev.tessera.orders.it.OrdersTestSupport.MUG;
import static dev.tessera.orders.it.OrdersTestSupport.as;
import static dev.tessera.orders.it.OrdersTestSupport.count;
import static dev.tessera.orders.it.OrdersTestSupport.execute;
import static dev.tessera.orders.it.OrdersTestSupport.inboxRows;
import static dev.tessera.orders.it.OrdersTestSupport.items;
import static dev.tessera.orders.it.OrdersTestSupport.place;
import static dev.tessera.orders.it.OrdersTestSupport.produce;
import static dev.tessera.orders.it.OrdersTestSupport.readTopic;
import static dev.tessera.orders.it.OrdersTestSupport.status;
import static dev.tessera.orders.it.OrdersTestSupport.succeeded;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;

import dev.tessera.contracts.billing.PaymentSucceeded;
import dev.tessera.orders.events.PaymentEventsConsumer;
import dev.tessera.sharding.Shards;
import dev.tessera.testing.ServiceDatabase;
import dev.tessera.testing.TesseraTestResource;
import dev.tessera.testing.TestTokens;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The write fence of a shard move (V6): a write to a shard this database does not own is refused in
 * the database — answered {@code 503} with {@code Retry-After}, retried by a consumer and never
 * dead-lettered — and a move's exclusive lock holds writes to its shard back until it has marked
 * the shard moved, after which they are refused too. Each test gives its shard back in the end.
 */
@QuarkusTest
@QuarkusTestResource(
    value = TesseraTestResource.class,
    initArgs = @ResourceArg(name = "service", value = "orders"))
@QuarkusTestResource(TestTokens.class)
class ShardFenceTest {

  private static final Duration DEADLINE = Duration.ofSeconds(30);

  @BeforeAll
  static void captureOutbox() {
    OrdersTestSupport.captureOutbox();
  }

  @Test
  void an_order_of_a_user_whose_shard_moved_away_is_refused_with_503_and_nothing_is_written() {
    UUID user = UUID.randomUUID();
    int shard = Shards.ofUser(user);
    try {
      lease(shard, "MOVED");
      as(user)
          .contentType(ContentType.JSON)
          .header("Idempotency-Key", UUID.randomUUID().toString())
          .body(items(MUG, 1))
          .post("/api/orders")
          .then()
          .statusCode(503)
          .contentType("application/problem+json")
          .header("Retry-After", org.hamcrest.Matchers.notNullValue());
      lease(shard, "RECEIVING");
      as(user)
          .contentType(ContentType.JSON)
          .body(items(MUG, 1))
          .post("/api/orders")
          .then()
          .statusCode(503);

      assertThat(count("select count(*) from orders where user_id = ?", user)).isZero();
      assertThat(count("select count(*) from idempotency_key where user_id = ?", user)).isZero();
      assertThat(
              count("select count(*) from outbox where payload ->> 'userId' = ?", user.toString()))
          .as("no event of an order that was not written")
          .isZero();
    } finally {
      lease(shard, "OWNED");
    }
    place(user, MUG, 1);
  }

  @Test
  void a_payment_for_an_order_on_a_moved_shard_waits_and_applies_once_the_shard_is_owned() {
    UUID user = UUID.randomUUID();
    int shard = Shards.ofUser(user);
    UUID orderId = place(user, MUG, 1);
    String eventId = UUID.randomUUID().toString();
    PaymentSucceeded payment = succeeded(orderId, user);
    try (var dlq = readTopic(BILLING_DLQ)) {
      try {
        lease(shard, "MOVED");
        produce(eventId, payment);
        // Retried, not applied, not recorded as done, not skipped.
        await()
            .during(Duration.ofSeconds(3))
            .atMost(Duration.ofSeconds(10))
            .until(() -> inboxRows(PaymentEventsConsumer.CONSUMER, eventId) == 0);
        assertThat(status(user, orderId)).isEqualTo("PENDING_PAYMENT");
      } finally {
        lease(shard, "OWNED");
      }
      await().atMost(DEADLINE).until(() -> status(user, orderId).equals("CONFIRMED"));
      assertThat(inboxRows(PaymentEventsConsumer.CONSUMER, eventId)).isEqualTo(1);
      assertThat(dlq.withKey(payment.aggregateId())).isEmpty();
    }
  }

  @Test
  void a_moves_lock_holds_a_write_back_until_the_shard_is_marked_moved_and_then_it_is_refused()
      throws Exception {
    UUID user = UUID.randomUUID();
    int shard = Shards.ofUser(user);
    try (Connection mover = ServiceDatabase.connect()) {
      mover.setAutoCommit(false);
      try (Statement sql = mover.createStatement()) {
        sql.execute("select pg_advisory_xact_lock(7406, " + shard + ")");
      }
      CompletableFuture<Integer> write =
          CompletableFuture.supplyAsync(
              () ->
                  as(user)
                      .contentType(ContentType.JSON)
                      .body(items(MUG, 1))
                      .post("/api/orders")
                      .then()
                      .extract()
                      .statusCode());
      // Held back by the lock, not answered (the gateway's 5 s would fail it first in a real
      // move; a move holds the lock for well under that).
      await()
          .during(Duration.ofSeconds(2))
          .atMost(Duration.ofSeconds(5))
          .until(() -> !write.isDone());
      try (Statement sql = mover.createStatement()) {
        sql.executeUpdate(
            "update shard_lease set state = 'MOVED', epoch = epoch + 1 where shard = " + shard);
      }
      mover.commit();

      assertThat(write.get(30, TimeUnit.SECONDS)).isEqualTo(503);
      assertThat(count("select count(*) from orders where user_id = ?", user)).isZero();
    } finally {
      lease(shard, "OWNED");
    }
    // The shard is another's no more: the same user orders again.
    as(user)
        .contentType(ContentType.JSON)
        .body(items(MUG, 1))
        .post("/api/orders")
        .then()
        .statusCode(201)
        .body("status", equalTo("PENDING_PAYMENT"));
  }

  @Test
  void a_write_outside_read_committed_is_refused_as_its_lease_could_be_stale() throws Exception {
    UUID user = UUID.randomUUID();
    try (Connection connection = ServiceDatabase.connect()) {
      connection.setTransactionIsolation(Connection.TRANSACTION_REPEATABLE_READ);
      connection.setAutoCommit(false);
      try (Statement sql = connection.createStatement()) {
        assertThatThrownBy(
                () ->
                    sql.executeUpdate(
                        "insert into user_projection (id, status, updated_at) values ('"
                            + user
                            + "', 'ACTIVE', now())"))
            .isInstanceOf(SQLException.class)
            .extracting(e -> ((SQLException) e).getSQLState())
            // TS002, not TS001: the writer's fault, not a shard to wait for (nothing retries it).
            .isEqualTo("TS002");
      } finally {
        connection.rollback();
      }
    }
  }

  private static void lease(int shard, String state) {
    execute(
        "update shard_lease set state = ?, epoch = epoch + 1, changed_at = now() where shard = ?",
        state,
        shard);
  }
}
