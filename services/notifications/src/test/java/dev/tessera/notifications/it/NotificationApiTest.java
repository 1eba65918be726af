package dev.tessera.notifications.it;

import static dev.tessera.notifications.it.TestSupport.as;
import static dev.tessera.notifications.it.TestSupport.execute;
import static dev.tessera.notifications.it.TestSupport.single;
import static dev.tessera.notifications.it.TestSupport.token;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.notNullValue;
import static org.hamcrest.Matchers.nullValue;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.ValidatableResponse;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** The HTTP API of the inbox and the preferences, with tokens verified by the application. */
@QuarkusTest
@QuarkusTestResource(
    value = NotificationsTestResource.class,
    initArgs = @ResourceArg(name = "service", value = TestSupport.SERVICE))
class NotificationApiTest {

  private static final String PROBLEM = "application/problem+json";

  @Test
  void the_list_is_newest_first_and_pages_with_a_cursor() {
    UUID userId = UUID.randomUUID();
    List<UUID> newestFirst = seed(userId, 5, 0);

    List<String> seen = new ArrayList<>();
    String cursor = null;
    int pages = 0;
    do {
      var request = as(userId).queryParam("limit", 2);
      if (cursor != null) {
        request.queryParam("cursor", cursor);
      }
      var page = request.get("/api/notifications").then().statusCode(200).extract().jsonPath();
      seen.addAll(page.getList("items.id", String.class));
      cursor = page.getString("nextCursor");
      pages++;
    } while (cursor != null && pages < 10);

    assertThat(pages).isEqualTo(3);
    assertThat(seen).containsExactlyElementsOf(newestFirst.stream().map(UUID::toString).toList());
  }

  @Test
  void the_unread_filter_shows_only_unread_notifications() {
    UUID userId = UUID.randomUUID();
    List<UUID> newestFirst = seed(userId, 5, 2);

    as(userId)
        .queryParam("unread", true)
        .get("/api/notifications")
        .then()
        .statusCode(200)
        .body("items", hasSize(3))
        .body("items.read", contains(false, false, false))
        .body(
            "items.id",
            contains(
                newestFirst.get(2).toString(),
                newestFirst.get(3).toString(),
                newestFirst.get(4).toString()));
    as(userId)
        .queryParam("unread", true)
        .queryParam("limit", 2)
        .get("/api/notifications")
        .then()
        .statusCode(200)
        .body("items", hasSize(2))
        .body("nextCursor", notNullValue());
  }

  @Test
  void marking_a_notification_read_is_idempotent() {
    UUID userId = UUID.randomUUID();
    UUID id = seed(userId, 1, 0).get(0);

    as(userId).post("/api/notifications/" + id + "/read").then().statusCode(204);
    Object firstReadAt = single("select read_at from notification where id = ?", id);
    as(userId).post("/api/notifications/" + id + "/read").then().statusCode(204);

    assertThat(firstReadAt).isNotNull();
    assertThat(single("select read_at from notification where id = ?", id)).isEqualTo(firstReadAt);
    as(userId)
        .get("/api/notifications")
        .then()
        .body("items[0].read", equalTo(true))
        .body("items[0].readAt", notNullValue());
    as(userId)
        .queryParam("unread", true)
        .get("/api/notifications")
        .then()
        .body("items", hasSize(0));
  }

  @Test
  void another_users_notification_is_not_found_and_stays_unread() {
    UUID owner = UUID.randomUUID();
    UUID id = seed(owner, 1, 0).get(0);
    UUID stranger = UUID.randomUUID();

    problem(as(stranger).post("/api/notifications/" + id + "/read").then(), 404)
        .body("instance", equalTo("/api/notifications/" + id + "/read"));
    as(stranger).get("/api/notifications").then().statusCode(200).body("items", hasSize(0));
    assertThat(single("select read_at from notification where id = ?", id)).isNull();
    // Unknown and malformed ids look the same as another user's.
    problem(as(owner).post("/api/notifications/" + UUID.randomUUID() + "/read").then(), 404);
    problem(as(owner).post("/api/notifications/not-a-uuid/read").then(), 404);
  }

  @Test
  void preferences_default_to_every_email_on_and_can_be_changed() {
    UUID userId = UUID.randomUUID();
    as(userId)
        .get("/api/notifications/preferences")
        .then()
        .statusCode(200)
        .body("email.account", equalTo(true))
        .body("email.orders", equalTo(true))
        .body("email.payments", equalTo(true));

    as(userId)
        .contentType("application/json")
        .body("{\"email\":{\"account\":true,\"orders\":false,\"payments\":true}}")
        .put("/api/notifications/preferences")
        .then()
        .statusCode(200)
        .body("email.orders", equalTo(false));
    as(userId)
        .get("/api/notifications/preferences")
        .then()
        .statusCode(200)
        .body("email.account", equalTo(true))
        .body("email.orders", equalTo(false))
        .body("email.payments", equalTo(true));
    // Another user's preferences are untouched.
    as(UUID.randomUUID())
        .get("/api/notifications/preferences")
        .then()
        .body("email.orders", equalTo(true));
  }

  @Test
  void invalid_preferences_are_rejected_with_field_errors_and_change_nothing() {
    UUID userId = UUID.randomUUID();
    // No "email" object at all.
    problem(putPreferences(userId, "{}"), 400).body("errors.field", contains("email"));
    // A category left out, and one set to null.
    problem(putPreferences(userId, "{\"email\":{\"account\":true,\"payments\":null}}"), 400)
        .body("errors.field", contains("email.orders", "email.payments"));
    // A value that is not a boolean.
    problem(
            putPreferences(
                userId, "{\"email\":{\"account\":\"maybe\",\"orders\":true,\"payments\":true}}"),
            400)
        .body("errors.field", hasItem("email.account"));
    // Not JSON, and no body.
    problem(putPreferences(userId, "{not json"), 400);
    problem(putPreferences(userId, ""), 400);

    as(userId)
        .get("/api/notifications/preferences")
        .then()
        .body("email.account", equalTo(true))
        .body("email.orders", equalTo(true))
        .body("email.payments", equalTo(true));
  }

  @Test
  void bad_list_parameters_are_rejected_with_field_errors() {
    UUID userId = UUID.randomUUID();
    // Limits out of bounds or not numbers, and a cursor this API never wrote.
    for (String limit : List.of("0", "101", "-1", "ten")) {
      problem(as(userId).queryParam("limit", limit).get("/api/notifications").then(), 400)
          .body("errors.field", contains("limit"));
    }
    problem(as(userId).queryParam("cursor", "garbage!").get("/api/notifications").then(), 400)
        .body("errors.field", contains("cursor"));
  }

  @Test
  void requests_without_a_valid_token_are_unauthorized() {
    // No token, a malformed one, one with a subject that is no user id, and one signed by a
    // key the application does not trust.
    problem(given().get("/api/notifications").then(), 401);
    problem(given().auth().oauth2("not.a.jwt").get("/api/notifications").then(), 401);
    problem(given().auth().oauth2(token("admin")).get("/api/notifications").then(), 401);
    String foreign =
        io.smallrye.jwt.build.Jwt.issuer("tessera-identity")
            .audience("tessera")
            .subject(UUID.randomUUID().toString())
            .jws()
            .algorithm(io.smallrye.jwt.algorithm.SignatureAlgorithm.RS256)
            .sign(otherKey());
    problem(given().auth().oauth2(foreign).get("/api/notifications").then(), 401);
  }

  private static ValidatableResponse putPreferences(UUID userId, String body) {
    return as(userId)
        .contentType("application/json")
        .body(body)
        .put("/api/notifications/preferences")
        .then();
  }

  private static ValidatableResponse problem(ValidatableResponse response, int status) {
    return response
        .statusCode(status)
        .contentType(PROBLEM)
        .body("status", equalTo(status))
        .body("type", notNullValue())
        .body("title", notNullValue())
        .body("detail", notNullValue())
        .body("trace", nullValue());
  }

  /**
   * Inserts {@code count} notifications for {@code userId}, one minute apart, the newest {@code
   * read} of them already read; returns their ids newest first.
   */
  private static List<UUID> seed(UUID userId, int count, int read) {
    Instant newest = Instant.now().truncatedTo(ChronoUnit.MICROS);
    List<UUID> ids = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      UUID id = UUID.randomUUID();
      Timestamp createdAt = Timestamp.from(newest.minus(i, ChronoUnit.MINUTES));
      execute(
          "insert into notification (id, event_id, user_id, category, kind, title, body,"
              + " created_at, read_at) values (?, ?, ?, 'orders', 'order-confirmed', 'Order"
              + " confirmed', 'Seeded', ?, ?)",
          id,
          UUID.randomUUID(),
          userId,
          createdAt,
          i < read ? createdAt : null);
      ids.add(id);
    }
    return ids;
  }

  private static java.security.PrivateKey otherKey() {
    try {
      var generator = java.security.KeyPairGenerator.getInstance("RSA");
      generator.initialize(2048);
      return generator.generateKeyPair().getPrivate();
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
