package dev.tessera.notifications.it;

import static dev.tessera.notifications.it.TestSupport.as;
import static dev.tessera.testing.ProblemAnswers.expectUnavailable;
import static org.assertj.core.api.Assertions.assertThat;

import dev.tessera.testing.DatabaseOutage;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** What notifications answers at its edge: bad input is a 400, a database outage a 503. */
@QuarkusTest
@QuarkusTestResource(
    value = NotificationsTestResource.class,
    initArgs = @ResourceArg(name = "service", value = TestSupport.SERVICE))
class EdgeTest {

  private static final String PREFERENCES =
      "{\"email\":{\"account\":true,\"orders\":false,\"payments\":true}}";

  @Test
  void with_the_database_refusing_connections_a_read_and_a_write_are_503_with_retry_after() {
    UUID userId = UUID.randomUUID();
    try (var outage = DatabaseOutage.of(TestSupport.SERVICE)) {
      expectUnavailable(as(userId).get("/api/notifications").then());
      expectUnavailable(
          as(userId)
              .contentType(ContentType.JSON)
              .body(PREFERENCES)
              .put("/api/notifications/preferences")
              .then());
    }
    as(userId).get("/api/notifications").then().statusCode(200);
    assertThat(preferences(userId)).isZero();
  }

  private static int preferences(UUID userId) {
    return TestSupport.count("select count(*) from email_preference where user_id = ?", userId);
  }
}
