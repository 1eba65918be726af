package dev.tessera.orders.it;

import static dev.tessera.orders.it.OrdersTestSupport.MUG;
import static dev.tessera.orders.it.OrdersTestSupport.ORDER_EVENTS;
import static dev.tessera.orders.it.OrdersTestSupport.TEE;
import static dev.tessera.orders.it.OrdersTestSupport.as;
import static dev.tessera.orders.it.OrdersTestSupport.place;
import static dev.tessera.orders.it.OrdersTestSupport.readTopic;
import static dev.tessera.testing.TopicReader.header;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.nullValue;

import dev.tessera.contracts.EventCodec;
import dev.tessera.contracts.orders.OrderCancelled;
import dev.tessera.testing.TesseraTestResource;
import dev.tessera.testing.TestTokens;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.junit.QuarkusTest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

@QuarkusTest
@QuarkusTestResource(
    value = TesseraTestResource.class,
    initArgs = @ResourceArg(name = "service", value = "orders"))
@QuarkusTestResource(TestTokens.class)
class OrderQueriesTest {

  private static final Duration CDC = Duration.ofSeconds(30);

  @BeforeAll
  static void captureOutbox() {
    OrdersTestSupport.captureOutbox();
  }

  @Test
  void the_owner_reads_an_order_and_anyone_else_gets_a_404_that_reveals_nothing() {
    UUID owner = UUID.randomUUID();
    UUID orderId = place(owner, MUG, 1);

    as(owner)
        .get("/api/orders/" + orderId)
        .then()
        .statusCode(200)
        .body("id", equalTo(orderId.toString()))
        .body("items[0].lineTotal.amount", equalTo(1290));
    String otherUsers =
        as(UUID.randomUUID())
            .get("/api/orders/" + orderId)
            .then()
            .statusCode(404)
            .contentType("application/problem+json")
            .extract()
            .path("title");
    String missing =
        as(owner)
            .get("/api/orders/" + UUID.randomUUID())
            .then()
            .statusCode(404)
            .extract()
            .path("title");
    assertThat(otherUsers).isEqualTo(missing);
    // Tried: an id that is not a UUID.
    as(owner).get("/api/orders/not-a-uuid").then().statusCode(404);
  }

  @Test
  void the_list_is_newest_first_and_a_cursor_walks_it_without_gaps_or_repeats() {
    UUID userId = UUID.randomUUID();
    List<String> placed = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      placed.add(0, place(userId, MUG, i + 1).toString());
    }
    place(UUID.randomUUID(), MUG, 1); // another user's order never shows

    List<String> seen = new ArrayList<>();
    String cursor = null;
    int pages = 0;
    do {
      var request = as(userId).queryParam("limit", 2);
      if (cursor != null) {
        request.queryParam("cursor", cursor);
      }
      var page = request.get("/api/orders").then().statusCode(200).extract();
      List<String> ids = page.path("items.id");
      assertThat(ids.size()).isLessThanOrEqualTo(2);
      seen.addAll(ids);
      cursor = page.path("nextCursor");
      pages++;
    } while (cursor != null && pages < 10);

    assertThat(seen).containsExactlyElementsOf(placed);
    assertThat(pages).isEqualTo(3);
  }

  @Test
  void the_list_filters_by_status() {
    UUID userId = UUID.randomUUID();
    UUID kept = place(userId, MUG, 1);
    UUID cancelled = place(userId, TEE, 1);
    as(userId).post("/api/orders/" + cancelled + "/cancellation").then().statusCode(200);

    as(userId)
        .queryParam("status", "CANCELLED")
        .get("/api/orders")
        .then()
        .statusCode(200)
        .body("items.id", equalTo(List.of(cancelled.toString())))
        .body("nextCursor", nullValue());
    as(userId)
        .queryParam("status", "PENDING_PAYMENT")
        .get("/api/orders")
        .then()
        .body("items.id", equalTo(List.of(kept.toString())));
  }

  @Test
  void bad_list_parameters_are_400_problems() {
    UUID userId = UUID.randomUUID();
    // Tried: limit 0, 101 and "ten"; an unknown status; a cursor this service never issued.
    for (String limit : List.of("0", "101", "ten")) {
      as(userId)
          .queryParam("limit", limit)
          .get("/api/orders")
          .then()
          .statusCode(400)
          .contentType("application/problem+json")
          .body("errors[0].field", equalTo("limit"));
    }
    as(userId)
        .queryParam("status", "SHIPPED")
        .get("/api/orders")
        .then()
        .statusCode(400)
        .body("errors[0].field", equalTo("status"));
    as(userId)
        .queryParam("cursor", "bm90LWEtY3Vyc29y")
        .get("/api/orders")
        .then()
        .statusCode(400)
        .body("errors[0].field", equalTo("cursor"));
  }

  @Test
  void the_owner_cancels_an_order_which_publishes_OrderCancelled_and_a_second_cancel_is_409() {
    UUID userId = UUID.randomUUID();
    UUID orderId = place(userId, MUG, 1);
    try (var reader = readTopic(ORDER_EVENTS)) {
      as(userId)
          .post("/api/orders/" + orderId + "/cancellation")
          .then()
          .statusCode(200)
          .body("status", equalTo("CANCELLED"))
          .body("cancellationReason", equalTo("customer_request"));

      await().atMost(CDC).until(() -> reader.events(orderId, "OrderCancelled").size() == 1);
      var record = reader.events(orderId, "OrderCancelled").get(0);
      assertThat(header(record, "id")).isNotNull();
      assertThat(EventSchemas.errors("OrderCancelled", record.value())).isEmpty();
      OrderCancelled event = EventCodec.fromJson(record.value(), OrderCancelled.class);
      assertThat(event.userId()).isEqualTo(userId);
      assertThat(event.reason()).isEqualTo("customer_request");
    }
    as(userId)
        .post("/api/orders/" + orderId + "/cancellation")
        .then()
        .statusCode(409)
        .contentType("application/problem+json")
        .body("type", equalTo("https://tessera.dev/problems/illegal-state"));
  }

  @Test
  void nobody_but_the_owner_can_cancel_an_order() {
    UUID owner = UUID.randomUUID();
    UUID orderId = place(owner, MUG, 1);
    as(UUID.randomUUID()).post("/api/orders/" + orderId + "/cancellation").then().statusCode(404);
    as(owner).get("/api/orders/" + orderId).then().body("status", equalTo("PENDING_PAYMENT"));
  }
}
