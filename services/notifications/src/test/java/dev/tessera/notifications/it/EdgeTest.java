package dev.tessera.notifications.it;

import static dev.tessera.notifications.it.TestSupport.as;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;

import dev.tessera.testing.DatabaseOutage;
import dev.tessera.testing.TesseraServers;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.response.ValidatableResponse;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
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

  private static void expectUnavailable(ValidatableResponse response) {
    response
        .statusCode(503)
        .contentType("application/problem+json")
        .header("Retry-After", "5")
        .body("type", equalTo("https://tessera.dev/problems/unavailable"));
  }

  private static int preferences(UUID userId) {
    try (Connection c = TesseraServers.shared().postgres().connectAsSuperuser(TestSupport.SERVICE);
        PreparedStatement p =
            c.prepareStatement("select count(*) from email_preference where user_id = ?")) {
      p.setObject(1, userId);
      try (ResultSet r = p.executeQuery()) {
        r.next();
        return r.getInt(1);
      }
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
  }
}
