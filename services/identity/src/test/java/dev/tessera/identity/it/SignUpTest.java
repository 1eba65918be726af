package dev.tessera.identity.it;

import static dev.tessera.identity.it.IdentityApi.PASSWORD;
import static dev.tessera.identity.it.IdentityApi.newUser;
import static dev.tessera.identity.it.IdentityApi.randomEmail;
import static dev.tessera.identity.it.IdentityApi.signUp;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.matchesPattern;
import static org.hamcrest.Matchers.notNullValue;

import dev.tessera.testing.OutboxCapture;
import dev.tessera.testing.TesseraTestResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

@QuarkusTest
@QuarkusTestResource(
    value = TesseraTestResource.class,
    initArgs = @ResourceArg(name = "service", value = "identity"))
class SignUpTest {

  @BeforeAll
  static void captureOutbox() {
    OutboxCapture.start("identity");
  }

  @Test
  void a_sign_up_answers_201_with_the_user_and_its_location() {
    String email = randomEmail();
    signUp(email, PASSWORD, "Ada")
        .then()
        .statusCode(201)
        .header("Location", matchesPattern(".*/api/identity/users/[0-9a-f-]{36}"))
        .body("id", notNullValue())
        .body("email", equalTo(email))
        .body("displayName", equalTo("Ada"))
        .body("$", org.hamcrest.Matchers.not(org.hamcrest.Matchers.hasKey("password")));
  }

  static Stream<Arguments> invalidSignUps() {
    String ok = "ok-" + java.util.UUID.randomUUID() + "@example.com";
    return Stream.of(
        Arguments.of("not-an-email", PASSWORD, "Ada", "email"),
        Arguments.of("ada@localhost", PASSWORD, "Ada", "email"),
        Arguments.of("a b@example.com", PASSWORD, "Ada", "email"),
        Arguments.of("x".repeat(250) + "@example.com", PASSWORD, "Ada", "email"),
        Arguments.of(null, PASSWORD, "Ada", "email"),
        Arguments.of(ok, "Short-1a", "Ada", "password"),
        Arguments.of(ok, "x".repeat(129), "Ada", "password"),
        Arguments.of(ok, "onlylowercase12", "Ada", "password"),
        Arguments.of(ok, "password1234", "Ada", "password"),
        Arguments.of(ok, "aaaaaaaaaaaaaaaaaaaaaaaa", "Ada", "password"),
        Arguments.of(ok, null, "Ada", "password"),
        Arguments.of(ok, PASSWORD, "", "displayName"),
        Arguments.of(ok, PASSWORD, "   ", "displayName"),
        Arguments.of(ok, PASSWORD, "x".repeat(101), "displayName"),
        Arguments.of(ok, PASSWORD, null, "displayName"));
  }

  @ParameterizedTest(name = "{3} rejected: email={0} password={1} displayName={2}")
  @MethodSource("invalidSignUps")
  void an_invalid_sign_up_is_a_400_problem_naming_the_field(
      String email, String password, String displayName, String field) {
    signUp(email, password, displayName)
        .then()
        .statusCode(400)
        .contentType("application/problem+json")
        .body("type", equalTo("https://tessera.dev/problems/validation"))
        .body("status", equalTo(400))
        .body("instance", equalTo("/api/identity/users"))
        .body("errors.field", hasItem(field));
  }

  @Test
  void a_form_with_every_field_wrong_reports_every_field() {
    signUp("nope", "short", "")
        .then()
        .statusCode(400)
        .body("errors.field", org.hamcrest.Matchers.contains("email", "password", "displayName"));
  }

  @Test
  void malformed_json_a_wrong_type_and_a_wrong_content_type_are_4xx_problems() {
    given()
        .contentType(ContentType.JSON)
        .body("{\"email\": ")
        .post("/api/identity/users")
        .then()
        .statusCode(400)
        .contentType("application/problem+json");
    given()
        .contentType(ContentType.JSON)
        .body("{\"email\": [1,2], \"password\": \"x\", \"displayName\": \"y\"}")
        .post("/api/identity/users")
        .then()
        .statusCode(400)
        .contentType("application/problem+json");
    given()
        .contentType(ContentType.TEXT)
        .body("hello")
        .post("/api/identity/users")
        .then()
        .statusCode(415)
        .contentType("application/problem+json");
    given()
        .contentType(ContentType.JSON)
        .post("/api/identity/users")
        .then()
        .statusCode(400)
        .contentType("application/problem+json");
  }

  @Test
  void a_second_sign_up_with_the_same_email_in_other_case_is_409() {
    String email = randomEmail();
    newUser(email);
    signUp("  " + email.toUpperCase() + " ", "Another-Pass-99", "Impostor")
        .then()
        .statusCode(409)
        .contentType("application/problem+json")
        .body("type", equalTo("https://tessera.dev/problems/email-taken"));
  }

  @Test
  void concurrent_sign_ups_with_one_email_create_one_user_and_the_rest_get_409() throws Exception {
    String email = randomEmail();
    var pool = java.util.concurrent.Executors.newFixedThreadPool(4);
    try {
      var futures =
          java.util.stream.IntStream.range(0, 4)
              .mapToObj(i -> pool.submit(() -> signUp(email, PASSWORD, "Racer").statusCode()))
              .toList();
      var statuses = new java.util.ArrayList<Integer>();
      for (var f : futures) {
        statuses.add(f.get(60, java.util.concurrent.TimeUnit.SECONDS));
      }
      org.assertj.core.api.Assertions.assertThat(statuses)
          .containsOnly(201, 409)
          .filteredOn(s -> s == 201)
          .hasSize(1);
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void unknown_paths_are_404_problems() {
    given()
        .get("/api/identity/nothing-here")
        .then()
        .statusCode(404)
        .contentType("application/problem+json");
  }
}
