package dev.tessera.orders.it;

import static dev.tessera.orders.it.OrdersTestSupport.MUG;
import static dev.tessera.orders.it.OrdersTestSupport.as;
import static dev.tessera.orders.it.OrdersTestSupport.count;
import static dev.tessera.orders.it.OrdersTestSupport.execute;
import static dev.tessera.orders.it.OrdersTestSupport.items;
import static dev.tessera.orders.it.OrdersTestSupport.place;
import static dev.tessera.orders.it.OrdersTestSupport.produce;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;

import dev.tessera.contracts.identity.UserRegistered;
import dev.tessera.sharding.ShardedIds;
import dev.tessera.sharding.Shards;
import dev.tessera.testing.ServiceDatabase;
import dev.tessera.testing.TesseraTestResource;
import dev.tessera.testing.TestTokens;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import java.net.URL;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/**
 * Every row of a user carries the user's logical shard (docs/sharding.md): the database computes it
 * (V4's {@code tessera_shard_of}, the twin of {@link Shards#ofUser}) on every insert, whoever
 * writes, and new order ids name it; the database owns all 4,096 shards until told otherwise.
 */
@QuarkusTest
@QuarkusTestResource(
    value = TesseraTestResource.class,
    initArgs = @ResourceArg(name = "service", value = "orders"))
@QuarkusTestResource(TestTokens.class)
class ShardColumnsTest {

  /** /q/metrics, on the management interface. */
  @TestHTTPResource(value = "/metrics", management = true)
  URL metrics;

  @Test
  void the_database_computes_the_same_shard_as_the_java_code_for_every_user() {
    List<UUID> users = new ArrayList<>();
    // The ends of the range, and ids with every bit pattern of the hash's lanes in between.
    users.add(new UUID(0, 0));
    users.add(new UUID(-1, -1));
    users.add(new UUID(Long.MIN_VALUE, Long.MAX_VALUE));
    IntStream.range(0, 2_000).forEach(i -> users.add(UUID.randomUUID()));
    String ids = users.stream().map(u -> "'" + u + "'").collect(Collectors.joining(","));

    Map<UUID, Integer> inDatabase =
        ServiceDatabase.rows(
                "select u as user_id, tessera_shard_of(u) as shard from unnest(array["
                    + ids
                    + "]::uuid[]) as u")
            .stream()
            .collect(
                Collectors.toMap(
                    row -> (UUID) row.get("user_id"),
                    row -> ((Number) row.get("shard")).intValue()));

    assertThat(inDatabase).hasSize(users.size());
    users.forEach(
        user ->
            assertThat(inDatabase.get(user))
                .as("shard of %s", user)
                .isEqualTo(Shards.ofUser(user)));
    // Pinned in ShardsTest too: the SQL and the Java code agree on fixed values, not only each
    // other.
    assertThat(inDatabase.get(new UUID(0, 0))).isEqualTo(2800);
    assertThat(inDatabase.get(new UUID(-1, -1))).isEqualTo(2674);
  }

  @Test
  void an_order_its_idempotency_key_and_the_users_projection_carry_the_users_shard() {
    UUID user = UUID.randomUUID();
    int shard = Shards.ofUser(user);
    produce(
        UUID.randomUUID().toString(),
        new UserRegistered(user, user + "@example.com", "Shard", Instant.now()));
    String key = UUID.randomUUID().toString();
    UUID orderId =
        UUID.fromString(
            as(user)
                .contentType(ContentType.JSON)
                .header("Idempotency-Key", key)
                .body(items(MUG, 1))
                .post("/api/orders")
                .then()
                .statusCode(201)
                .extract()
                .path("id"));

    assertThat(orderId.version()).as("a sharded id (UUIDv8)").isEqualTo(8);
    assertThat(ShardedIds.shardOf(orderId)).isEqualTo(shard);
    assertThat(count("select count(*) from orders where id = ? and shard = ?", orderId, shard))
        .isEqualTo(1);
    assertThat(
            count(
                "select count(*) from idempotency_key where user_id = ? and shard = ?",
                user,
                shard))
        .isEqualTo(1);
    await()
        .atMost(Duration.ofSeconds(30))
        .until(
            () ->
                count(
                        "select count(*) from user_projection where id = ? and shard = ?",
                        user,
                        shard)
                    == 1);
  }

  @Test
  void a_writer_that_sends_no_shard_or_a_wrong_one_still_stores_the_users_shard() {
    UUID user = UUID.randomUUID();
    UUID orderId = place(user, MUG, 1);
    int shard = Shards.ofUser(user);
    int wrong = (shard + 1) % Shards.COUNT;

    // As the previous release writes (it knows no shard column), and as a bug would.
    UUID older = UUID.randomUUID();
    execute(
        "insert into orders (id, user_id, status, lines, total_amount, currency, created_at,"
            + " updated_at) select ?, user_id, status, lines, total_amount, currency, created_at,"
            + " updated_at from orders where id = ?",
        older,
        orderId);
    execute("update orders set shard = ? where id = ?", wrong, orderId);

    assertThat(
            count(
                "select count(*) from orders where id in (?, ?) and shard = ?",
                older,
                orderId,
                shard))
        .isEqualTo(2);
  }

  @Test
  void the_shard_gauge_reports_the_leases_of_this_database_by_state() {
    // Read every 15 s: the first reading may still be ahead.
    await()
        .atMost(Duration.ofSeconds(30))
        .untilAsserted(
            () ->
                io.restassured.RestAssured.get(metrics)
                    .then()
                    .statusCode(200)
                    .body(
                        containsString(
                            "tessera_shards{database=\"orders\",state=\"OWNED\"} 4096.0"),
                        containsString("tessera_shards{database=\"orders\",state=\"MOVED\"} 0.0")));
  }

  @Test
  void this_database_owns_every_shard_once() {
    assertThat(count("select count(*) from shard_lease where state = 'OWNED'"))
        .isEqualTo(Shards.COUNT);
    assertThat(count("select count(distinct shard) from shard_lease")).isEqualTo(Shards.COUNT);
    assertThat(count("select count(*) from shard_lease where shard < 0 or shard > 4095")).isZero();
  }
}
