package dev.tessera.notifications.it;

import static dev.tessera.notifications.it.TestSupport.DEADLINE;
import static dev.tessera.notifications.it.TestSupport.as;
import static dev.tessera.notifications.it.TestSupport.newUser;
import static dev.tessera.notifications.it.TestSupport.produce;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;

import dev.tessera.contracts.EventTypes;
import dev.tessera.contracts.identity.UserRegistered;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.junit.QuarkusTest;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** The cached unread count follows every change: a notification recorded, one marked read. */
@QuarkusTest
@QuarkusTestResource(
    value = NotificationsTestResource.class,
    initArgs = @ResourceArg(name = "service", value = TestSupport.SERVICE))
class UnreadCountTest {

  @Test
  void the_cached_unread_count_follows_a_consumed_event_and_a_read() {
    UserRegistered user = newUser("Ada");
    UUID userId = user.userId();
    // Cached now, as zero.
    as(userId)
        .get("/api/notifications/unread-count")
        .then()
        .statusCode(200)
        .body("unread", equalTo(0));

    produce(EventTypes.USER_REGISTERED, UUID.randomUUID(), user);

    await()
        .atMost(DEADLINE)
        .untilAsserted(
            () ->
                as(userId)
                    .get("/api/notifications/unread-count")
                    .then()
                    .statusCode(200)
                    .body("unread", equalTo(1)));
    String id =
        as(userId).get("/api/notifications").then().statusCode(200).extract().path("items[0].id");
    as(userId).post("/api/notifications/" + id + "/read").then().statusCode(204);
    as(userId)
        .get("/api/notifications/unread-count")
        .then()
        .statusCode(200)
        .body("unread", equalTo(0));
    // Nobody else's count is this one.
    as(UUID.randomUUID())
        .get("/api/notifications/unread-count")
        .then()
        .statusCode(200)
        .body("unread", equalTo(0));
  }
}
