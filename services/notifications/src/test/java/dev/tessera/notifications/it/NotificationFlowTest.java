package dev.tessera.notifications.it;

import static dev.tessera.notifications.it.TestSupport.DEADLINE;
import static dev.tessera.notifications.it.TestSupport.as;
import static dev.tessera.notifications.it.TestSupport.count;
import static dev.tessera.notifications.it.TestSupport.emailStatus;
import static dev.tessera.notifications.it.TestSupport.mailTo;
import static dev.tessera.notifications.it.TestSupport.newUser;
import static dev.tessera.notifications.it.TestSupport.notificationsFor;
import static dev.tessera.notifications.it.TestSupport.parts;
import static dev.tessera.notifications.it.TestSupport.produce;
import static dev.tessera.notifications.it.TestSupport.single;
import static dev.tessera.notifications.it.TestSupport.subject;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasSize;

import dev.tessera.contracts.EventTypes;
import dev.tessera.contracts.Money;
import dev.tessera.contracts.billing.PaymentFailed;
import dev.tessera.contracts.billing.PaymentRefunded;
import dev.tessera.contracts.identity.UserRegistered;
import dev.tessera.contracts.identity.UserReinstated;
import dev.tessera.contracts.identity.UserSuspended;
import dev.tessera.contracts.orders.OrderCancelled;
import dev.tessera.contracts.orders.OrderConfirmed;
import dev.tessera.notifications.domain.MessageIds;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.mail.internet.MimeMessage;
import java.net.URL;
import java.time.Instant;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** Events on the real Kafka become in-app notifications and e-mails on the real SMTP server. */
@QuarkusTest
@QuarkusTestResource(
    value = NotificationsTestResource.class,
    initArgs = @ResourceArg(name = "service", value = TestSupport.SERVICE))
class NotificationFlowTest {

  /** /q/metrics, on the management interface (its own port; its root /q prefixes the value). */
  @TestHTTPResource(value = "/metrics", management = true)
  URL metrics;

  @Test
  void a_registered_user_gets_a_welcome_notification_and_one_email() throws Exception {
    UserRegistered user = newUser("Ada <Lovelace>");
    UUID eventId = UUID.randomUUID();
    produce(EventTypes.USER_REGISTERED, eventId, user);

    await().atMost(DEADLINE).until(() -> mailTo(user.email()).size() == 1);
    MimeMessage mail = mailTo(user.email()).get(0);
    assertThat(subject(mail)).isEqualTo("Welcome to Tessera, Ada <Lovelace>");
    assertThat(mail.getMessageID()).isEqualTo(MessageIds.forEvent(eventId));
    var parts = parts(mail);
    assertThat(parts.get("text/plain")).contains("Hello Ada <Lovelace>,");
    // The display name is the user's input: escaped in the HTML part.
    assertThat(parts.get("text/html")).contains("Hello Ada &lt;Lovelace&gt;,");

    as(user.userId())
        .get("/api/notifications")
        .then()
        .statusCode(200)
        .body("items", hasSize(1))
        .body("items[0].category", equalTo("account"))
        .body("items[0].type", equalTo("welcome"))
        .body("items[0].read", equalTo(false))
        .body("nextCursor", equalTo(null));
    await().atMost(DEADLINE).until(() -> "sent".equals(emailStatus(eventId)));
    given()
        .get(metrics)
        .then()
        .statusCode(200)
        .body(containsString("tessera_notifications_emails_sent_total"));
  }

  @Test
  void
      an_order_confirmed_after_registration_gives_an_in_app_notification_and_an_email_with_the_order_id() {
    UserRegistered user = registered("Grace");
    UUID orderId = UUID.randomUUID();
    produce(
        EventTypes.ORDER_CONFIRMED,
        UUID.randomUUID(),
        new OrderConfirmed(orderId, user.userId(), UUID.randomUUID(), Instant.now()));

    await().atMost(DEADLINE).until(() -> mailTo(user.email(), "confirmed").size() == 1);
    MimeMessage mail = mailTo(user.email(), "confirmed").get(0);
    assertThat(subject(mail)).isEqualTo("Your order " + orderId + " is confirmed");
    assertThat(parts(mail).get("text/plain")).contains(orderId.toString());
    assertThat(parts(mail).get("text/html")).contains(orderId.toString());

    as(user.userId())
        .get("/api/notifications")
        .then()
        .statusCode(200)
        .body("items", hasSize(2))
        .body("items[0].category", equalTo("orders"))
        .body("items[0].type", equalTo("order-confirmed"))
        .body("items[0].body", containsString(orderId.toString()));
  }

  @Test
  void the_same_event_produced_twice_gives_one_notification_and_one_email() {
    UserRegistered user = registered("Twice");
    UUID orderId = UUID.randomUUID();
    UUID eventId = UUID.randomUUID();
    var confirmed = new OrderConfirmed(orderId, user.userId(), UUID.randomUUID(), Instant.now());
    produce(EventTypes.ORDER_CONFIRMED, eventId, confirmed);
    produce(EventTypes.ORDER_CONFIRMED, eventId, confirmed);
    // Same key, so the same partition: once its e-mail is out, both copies above were consumed.
    produce(
        EventTypes.ORDER_CANCELLED,
        UUID.randomUUID(),
        new OrderCancelled(orderId, user.userId(), "customer_request", Instant.now()));

    await().atMost(DEADLINE).until(() -> mailTo(user.email(), "cancelled").size() == 1);
    await().atMost(DEADLINE).until(() -> "sent".equals(emailStatus(eventId)));
    assertThat(mailTo(user.email(), "confirmed")).hasSize(1);
    assertThat(notificationsFor(eventId)).isEqualTo(1);
    assertThat(count("select count(*) from inbox where event_id = ?", eventId)).isEqualTo(1);
  }

  @Test
  void with_order_emails_off_an_order_event_gives_an_in_app_notification_only() {
    UserRegistered user = registered("Quiet");
    as(user.userId())
        .contentType("application/json")
        .body("{\"email\":{\"account\":true,\"orders\":false,\"payments\":true}}")
        .put("/api/notifications/preferences")
        .then()
        .statusCode(200);
    UUID orderId = UUID.randomUUID();
    UUID confirmedId = UUID.randomUUID();
    produce(
        EventTypes.ORDER_CONFIRMED,
        confirmedId,
        new OrderConfirmed(orderId, user.userId(), UUID.randomUUID(), Instant.now()));
    // Payments are still on: that e-mail goes out.
    produce(
        EventTypes.PAYMENT_REFUNDED,
        UUID.randomUUID(),
        new PaymentRefunded(
            UUID.randomUUID(),
            orderId,
            user.userId(),
            new Money(1999, "EUR"),
            UUID.randomUUID(),
            Instant.now()));

    await().atMost(DEADLINE).until(() -> "skipped".equals(emailStatus(confirmedId)));
    await().atMost(DEADLINE).until(() -> mailTo(user.email(), "refunded").size() == 1);
    assertThat(subject(mailTo(user.email(), "refunded").get(0)))
        .isEqualTo("We refunded 19.99 EUR for order " + orderId);
    assertThat(mailTo(user.email(), "confirmed")).isEmpty();
    assertThat(notificationsFor(confirmedId)).isEqualTo(1);
  }

  @Test
  void an_order_cancelled_before_the_user_is_known_is_emailed_once_the_user_registers() {
    UserRegistered user = newUser("Late");
    UUID orderId = UUID.randomUUID();
    UUID cancelledId = UUID.randomUUID();
    produce(
        EventTypes.ORDER_CANCELLED,
        cancelledId,
        new OrderCancelled(orderId, user.userId(), "payment_failed", Instant.now()));

    await().atMost(DEADLINE).until(() -> notificationsFor(cancelledId) == 1);
    // The sender looked at it and deferred it: no address yet, and that is no failed attempt.
    await()
        .atMost(DEADLINE)
        .until(
            () ->
                "recipient not known yet"
                    .equals(
                        single(
                            "select last_error from email_outbox where event_id = ?",
                            cancelledId)));
    assertThat(emailStatus(cancelledId)).isEqualTo("pending");
    assertThat(single("select attempts from email_outbox where event_id = ?", cancelledId))
        .isEqualTo(0);
    assertThat(mailTo(user.email())).isEmpty();

    produce(EventTypes.USER_REGISTERED, UUID.randomUUID(), user);

    await().atMost(DEADLINE).until(() -> mailTo(user.email(), "cancelled").size() == 1);
    assertThat(parts(mailTo(user.email(), "cancelled").get(0)).get("text/plain"))
        .contains("Hello Late,")
        .contains(orderId + " was cancelled: payment failed");
    await().atMost(DEADLINE).until(() -> mailTo(user.email(), "Welcome").size() == 1);
    assertThat(emailStatus(cancelledId)).isEqualTo("sent");
  }

  @Test
  void payment_failures_and_suspensions_are_notified_in_their_categories() {
    UserRegistered user = registered("Pat");
    UUID orderId = UUID.randomUUID();
    produce(
        EventTypes.PAYMENT_FAILED,
        UUID.randomUUID(),
        new PaymentFailed(
            UUID.randomUUID(),
            orderId,
            user.userId(),
            new Money(500, "USD"),
            "card_declined",
            Instant.now()));
    await().atMost(DEADLINE).until(() -> mailTo(user.email(), "could not charge").size() == 1);
    assertThat(parts(mailTo(user.email(), "could not charge").get(0)).get("text/plain"))
        .contains("5.00 USD")
        .contains("card declined");

    produce(
        EventTypes.USER_SUSPENDED,
        UUID.randomUUID(),
        new UserSuspended(user.userId(), "terms violated", Instant.now()));
    await().atMost(DEADLINE).until(() -> mailTo(user.email(), "suspended").size() == 1);

    as(user.userId())
        .get("/api/notifications")
        .then()
        .statusCode(200)
        .body("items.category", org.hamcrest.Matchers.contains("account", "payments", "account"))
        .body(
            "items.type",
            org.hamcrest.Matchers.contains("account-suspended", "payment-failed", "welcome"));
  }

  @Test
  void a_reinstated_user_gets_one_account_reinstated_notification_and_one_email() throws Exception {
    UserRegistered user = registered("Robin");
    Instant suspendedAt = Instant.now();
    produce(
        EventTypes.USER_SUSPENDED,
        UUID.randomUUID(),
        new UserSuspended(user.userId(), "mistaken identity", suspendedAt));
    UUID eventId = UUID.randomUUID();
    var reinstated = new UserReinstated(user.userId(), suspendedAt.plusSeconds(60));
    produce(EventTypes.USER_REINSTATED, eventId, reinstated);
    produce(EventTypes.USER_REINSTATED, eventId, reinstated);

    await().atMost(DEADLINE).until(() -> mailTo(user.email(), "restored").size() == 1);
    MimeMessage mail = mailTo(user.email(), "restored").get(0);
    assertThat(subject(mail)).isEqualTo("Your Tessera account is restored");
    assertThat(mail.getMessageID()).isEqualTo(MessageIds.forEvent(eventId));
    assertThat(parts(mail).get("text/plain"))
        .contains("Hello Robin,")
        .contains("suspension of your account was lifted");
    assertThat(parts(mail).get("text/html")).contains("You can sign in again.");
    assertThat(
            count(
                "select count(*) from recipient where user_id = ? and suspended_at is null",
                user.userId()))
        .isEqualTo(1);

    // Same key, so the same partition: once this is out, both copies above were consumed.
    produce(
        EventTypes.USER_SUSPENDED,
        UUID.randomUUID(),
        new UserSuspended(user.userId(), "again", suspendedAt.plusSeconds(120)));
    await().atMost(DEADLINE).until(() -> mailTo(user.email(), "suspended").size() == 2);
    assertThat(mailTo(user.email(), "restored")).hasSize(1);
    assertThat(notificationsFor(eventId)).isEqualTo(1);
    as(user.userId())
        .get("/api/notifications")
        .then()
        .statusCode(200)
        .body(
            "items.type",
            org.hamcrest.Matchers.contains(
                "account-suspended", "account-reinstated", "account-suspended", "welcome"))
        .body("items[1].category", equalTo("account"))
        .body("items[1].title", equalTo("Your account is restored"));
  }

  /** A user whose registration was processed (welcome e-mail received). */
  private static UserRegistered registered(String displayName) {
    UserRegistered user = newUser(displayName);
    produce(EventTypes.USER_REGISTERED, UUID.randomUUID(), user);
    await().atMost(DEADLINE).until(() -> mailTo(user.email()).size() == 1);
    return user;
  }
}
