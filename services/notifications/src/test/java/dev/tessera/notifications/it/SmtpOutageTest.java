package dev.tessera.notifications.it;

import static dev.tessera.notifications.it.TestSupport.DEADLINE;
import static dev.tessera.notifications.it.TestSupport.emailStatus;
import static dev.tessera.notifications.it.TestSupport.mailTo;
import static dev.tessera.notifications.it.TestSupport.newUser;
import static dev.tessera.notifications.it.TestSupport.notificationsFor;
import static dev.tessera.notifications.it.TestSupport.produce;
import static dev.tessera.notifications.it.TestSupport.single;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;

import dev.tessera.contracts.EventTypes;
import dev.tessera.contracts.identity.UserRegistered;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import java.net.URL;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * The SMTP server goes away (the relay in front of it stops: the shared server cannot be stopped
 * from a test) while events arrive: notifications are kept, e-mails retried with backoff, and sent
 * once it is back.
 */
@QuarkusTest
@QuarkusTestResource(
    value = NotificationsTestResource.class,
    initArgs = @ResourceArg(name = "service", value = TestSupport.SERVICE))
class SmtpOutageTest {

  /** /q/metrics, on the management interface (its own port; its root /q prefixes the value). */
  @TestHTTPResource(value = "/metrics", management = true)
  URL metrics;

  SmtpRelay smtp;

  @Test
  void an_email_that_fails_while_smtp_is_down_is_retried_and_sent_once_it_is_back() {
    assertThat(smtp).as("the test resource injects the relay").isNotNull();
    UserRegistered user = newUser("Patience");
    UUID eventId = UUID.randomUUID();
    smtp.stop();
    try {
      produce(EventTypes.USER_REGISTERED, eventId, user);

      await().atMost(DEADLINE).until(() -> notificationsFor(eventId) == 1);
      // At least two failed attempts: the retry job tried again after the first backoff.
      await()
          .atMost(DEADLINE)
          .until(
              () ->
                  ((Number) single("select attempts from email_outbox where event_id = ?", eventId))
                          .intValue()
                      >= 2);
      assertThat(emailStatus(eventId)).isEqualTo("pending");
      assertThat(single("select last_error from email_outbox where event_id = ?", eventId))
          .isNotNull();
      given()
          .get("/q/health/ready")
          .then()
          .statusCode(503)
          .body("checks.find { it.name == 'smtp' }.status", equalTo("DOWN"));
    } finally {
      smtp.start();
    }

    await().atMost(DEADLINE).until(() -> "sent".equals(emailStatus(eventId)));
    assertThat(mailTo(user.email())).hasSize(1);
    given().get("/q/health/ready").then().statusCode(200).body("checks.name", hasItem("smtp"));
    given()
        .get(metrics)
        .then()
        .body(org.hamcrest.Matchers.containsString("tessera_notifications_emails_failed_total"));
  }
}
