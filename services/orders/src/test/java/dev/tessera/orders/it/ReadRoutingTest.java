package dev.tessera.orders.it;

import static dev.tessera.orders.it.OrdersTestSupport.MUG;
import static dev.tessera.orders.it.OrdersTestSupport.as;
import static dev.tessera.orders.it.OrdersTestSupport.items;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.not;

import dev.tessera.testing.ReplicaPair;
import dev.tessera.testing.ReplicatedDatabaseResource;
import dev.tessera.testing.TestTokens;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.response.Response;
import java.time.Duration;
import java.util.UUID;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * API reads on a real primary and its streaming standby, whose apply delay ({@link
 * ReplicaPair#APPLY_DELAY}) makes its lag visible. {@code Tessera-Read-Served-By} (test profile)
 * says which server answered. Routing is observed on a page of a non-default size ({@link #PAGE}),
 * which is never cached; the cached reads (an order, the first page) fill from the primary.
 */
@QuarkusTest
@QuarkusTestResource(
    value = ReplicatedDatabaseResource.class,
    initArgs = @ResourceArg(name = ReplicatedDatabaseResource.SERVICE, value = "orders_rr"),
    // Without it Quarkus starts this resource for every test of the module, and its datasource
    // (on the replica pair) overrides theirs.
    restrictToAnnotatedClass = true)
@QuarkusTestResource(TestTokens.class)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ReadRoutingTest {

  private static final String SERVED_BY = "Tessera-Read-Served-By";
  private static final String CONSISTENCY = "Tessera-Consistency";
  private static final Duration WAIT = Duration.ofSeconds(120);

  /** A page size other than the default: a read the cache does not keep, always routed. */
  private static final String PAGE = "/api/orders?limit=7";

  @BeforeAll
  static void standbyHasTheSchema() {
    ReplicaPair pair = ReplicaPair.shared();
    String migrated = pair.primaryLsn();
    // The standby applies the migrations APPLY_DELAY late; until then it has no orders table.
    await().atMost(WAIT).until(() -> lsnAtLeast(pair.standbyLsn(), migrated));
  }

  @Test
  @Order(1)
  void a_user_who_just_placed_an_order_sees_it_at_once_served_by_the_primary() {
    UUID user = UUID.randomUUID();
    Response placed =
        as(user).contentType(ContentType.JSON).body(items(MUG, 1)).post("/api/orders");
    placed.then().statusCode(201);
    String token = placed.getHeader(CONSISTENCY);
    String orderId = placed.path("id");
    assertThat(token).as("the write's consistency token").isNotBlank();

    // The standby applies this commit APPLY_DELAY later: only the primary has it now.
    as(user)
        .header(CONSISTENCY, token)
        .get(PAGE)
        .then()
        .statusCode(200)
        .header(SERVED_BY, "primary")
        .body("items.id", hasItem(orderId));

    // Once the standby has replayed the write, the same token lets the replica serve it.
    await()
        .atMost(WAIT)
        .untilAsserted(
            () ->
                as(user)
                    .header(CONSISTENCY, token)
                    .get(PAGE)
                    .then()
                    .statusCode(200)
                    .header(SERVED_BY, "replica")
                    .body("items.id", hasItem(orderId)));
  }

  @Test
  @Order(2)
  void a_cached_read_after_a_change_shows_the_change_though_the_replica_lags() {
    UUID user = UUID.randomUUID();
    String orderId =
        as(user)
            .contentType(ContentType.JSON)
            .body(items(MUG, 1))
            .post("/api/orders")
            .then()
            .statusCode(201)
            .extract()
            .path("id");
    // Cached now: the order and the user's first page.
    as(user).get("/api/orders/" + orderId).then().statusCode(200);
    as(user).get("/api/orders").then().statusCode(200).body("items.id", hasItem(orderId));

    as(user).post("/api/orders/" + orderId + "/cancellation").then().statusCode(200);

    // The cancellation emptied both keys; the standby still shows the order pending for
    // APPLY_DELAY. No token is sent: a fill from the standby would keep the pending order for
    // every reader until the entry expired.
    as(user)
        .get("/api/orders/" + orderId)
        .then()
        .statusCode(200)
        .body("status", equalTo("CANCELLED"));
    as(user)
        .get("/api/orders")
        .then()
        .statusCode(200)
        .body("items.find { it.id == '" + orderId + "' }.status", equalTo("CANCELLED"));
    // The uncached page, without a token, may lag: the replica has not applied the cancellation
    // (nor, within APPLY_DELAY, the order itself), which is what a fill from it would have kept.
    as(user)
        .get(PAGE)
        .then()
        .statusCode(200)
        .header(SERVED_BY, "replica")
        .body("items.find { it.id == '" + orderId + "' }.status", not(equalTo("CANCELLED")));
  }

  @Test
  @Order(3)
  void another_users_read_without_a_token_is_served_by_the_replica() {
    as(UUID.randomUUID()).get(PAGE).then().statusCode(200).header(SERVED_BY, "replica");
  }

  @Test
  @Order(4)
  void a_token_that_is_not_one_is_a_400_problem() {
    as(UUID.randomUUID())
        .header(CONSISTENCY, "yesterday")
        .get("/api/orders")
        .then()
        .statusCode(400)
        .contentType("application/problem+json");
  }

  @Test
  @Order(5)
  void with_the_standby_stopped_reads_still_succeed_on_the_primary() {
    ReplicaPair pair = ReplicaPair.shared();
    pair.stopStandby();
    try {
      await()
          .atMost(WAIT)
          .untilAsserted(
              () ->
                  as(UUID.randomUUID())
                      .get(PAGE)
                      .then()
                      .statusCode(200)
                      .header(SERVED_BY, "primary"));
      as(UUID.randomUUID()).get("/api/orders/catalog").then().statusCode(200);
    } finally {
      pair.startStandby();
    }
  }

  @Test
  @Order(6)
  void with_the_primary_stopped_reads_succeed_on_the_replica_and_writes_are_503_with_retry_after() {
    ReplicaPair pair = ReplicaPair.shared();
    UUID user = UUID.randomUUID();
    // The standby is back in the read pool first.
    await()
        .atMost(WAIT)
        .untilAsserted(
            () -> as(user).get(PAGE).then().statusCode(200).header(SERVED_BY, "replica"));
    pair.stopPrimary();
    try {
      await()
          .atMost(WAIT)
          .untilAsserted(
              () -> as(user).get(PAGE).then().statusCode(200).header(SERVED_BY, "replica"));
      // A miss of the cache fills from the replica while the primary is down.
      as(user).get("/api/orders/" + UUID.randomUUID()).then().statusCode(404);
      as(user).get("/api/orders").then().statusCode(200);
      as(user)
          .contentType(ContentType.JSON)
          .body(items(MUG, 1))
          .post("/api/orders")
          .then()
          .statusCode(503)
          .header("Retry-After", org.hamcrest.Matchers.notNullValue())
          .contentType("application/problem+json");
    } finally {
      pair.startPrimary();
    }
    await()
        .atMost(WAIT)
        .untilAsserted(
            () ->
                as(user)
                    .contentType(ContentType.JSON)
                    .body(items(MUG, 1))
                    .post("/api/orders")
                    .then()
                    .statusCode(201));
  }

  private static boolean lsnAtLeast(String a, String b) {
    return Long.compareUnsigned(lsn(a), lsn(b)) >= 0;
  }

  private static long lsn(String text) {
    int slash = text.indexOf('/');
    return (Long.parseLong(text.substring(0, slash), 16) << 32)
        | Long.parseLong(text.substring(slash + 1), 16);
  }
}
