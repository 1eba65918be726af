package dev.tessera.notifications.it;

import static dev.tessera.notifications.it.TestSupport.DEADLINE;
import static dev.tessera.notifications.it.TestSupport.as;
import static dev.tessera.notifications.it.TestSupport.emailStatus;
import static dev.tessera.notifications.it.TestSupport.execute;
import static dev.tessera.notifications.it.TestSupport.newUser;
import static dev.tessera.notifications.it.TestSupport.produce;
import static dev.tessera.notifications.it.TestSupport.single;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.hasItem;

import dev.tessera.contracts.EventTypes;
import dev.tessera.contracts.identity.UserRegistered;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.junit.QuarkusTest;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * This release next to a newer one on the same database (docs/upgrades.md): an e-mail of a kind
 * only the newer release can render is left pending for it — never claimed, never marked failed —
 * and its in-app notification reads normally.
 */
@QuarkusTest
@QuarkusTestResource(
    value = NotificationsTestResource.class,
    initArgs = @ResourceArg(name = "service", value = TestSupport.SERVICE))
class VersionSkewTest {

  @Test
  void an_email_of_a_kind_a_newer_release_added_stays_pending_for_that_release() {
    UserRegistered user = newUser("Skew");
    UUID newer = UUID.randomUUID();
    UUID newerEvent = UUID.randomUUID();
    // What the newer release records for an event only it handles.
    execute(
        "insert into notification (id, event_id, user_id, category, kind, title, body)"
            + " values (?, ?, ?, 'orders', 'order-shipped', 'Your order is on its way', 'Soon.')",
        newer,
        newerEvent,
        user.userId());
    execute(
        "insert into email_outbox (id, event_id, user_id, category, kind, model, message_id)"
            + " values (?, ?, ?, 'orders', 'order-shipped', '{\"orderId\":\"x\"}'::jsonb, ?)",
        newer,
        newerEvent,
        user.userId(),
        "<" + newerEvent + "@skew.tessera.dev>");

    // The recipient becomes known and its welcome e-mail goes out: passes of the sender ran.
    UUID welcome = UUID.randomUUID();
    produce(EventTypes.USER_REGISTERED, welcome, user);
    await().atMost(DEADLINE).until(() -> "sent".equals(emailStatus(welcome)));

    assertThat(emailStatus(newerEvent)).isEqualTo("pending");
    assertThat(
            ((Number) single("select attempts from email_outbox where id = ?", newer)).intValue())
        .isZero();
    as(user.userId())
        .get("/api/notifications")
        .then()
        .statusCode(200)
        .body("items.type", hasItem("order-shipped"));
  }
}
