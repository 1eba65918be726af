package dev.tessera.identity.it;

import static dev.tessera.identity.it.IdentityApi.PASSWORD;
import static dev.tessera.identity.it.IdentityApi.access;
import static dev.tessera.identity.it.IdentityApi.logIn;
import static dev.tessera.identity.it.IdentityApi.me;
import static dev.tessera.identity.it.IdentityApi.newUser;
import static dev.tessera.identity.it.IdentityApi.randomEmail;
import static dev.tessera.identity.it.IdentityApi.signUp;
import static dev.tessera.identity.it.IdentityApi.tokens;
import static dev.tessera.testing.ProblemAnswers.expectUnavailable;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;

import dev.tessera.testing.DatabaseOutage;
import dev.tessera.testing.ProblemAnswers;
import dev.tessera.testing.TesseraServers;
import dev.tessera.testing.TesseraTestResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.ValidatableResponse;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.UUID;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** What identity answers at its edge: bad input is a 400, a database outage a 503. */
@QuarkusTest
@QuarkusTestResource(
    value = TesseraTestResource.class,
    initArgs = @ResourceArg(name = "service", value = "identity"))
class EdgeTest {

  private static final String OVER_LONG = "x".repeat(1001);

  static Stream<Arguments> badLogIns() {
    return Stream.of(
        Arguments.of("a\u0000@b.io", "x", "email"),
        Arguments.of("ada@example.com", "pass\u0000word", "password"),
        Arguments.of("ada\u0007@example.com", "x", "email"),
        Arguments.of("ada@example.com", OVER_LONG, "password"),
        Arguments.of("ada@" + OVER_LONG + ".com", "x", "email"),
        Arguments.of("not-an-e-mail-address", "x", "email"));
  }

  @ParameterizedTest(name = "{2}")
  @MethodSource("badLogIns")
  void a_log_in_with_a_control_character_an_over_long_value_or_no_e_mail_syntax_is_a_400(
      String email, String password, String field) {
    expectInvalid(logIn(email, password).then(), "/api/identity/tokens", field);
  }

  @Test
  void a_hundred_nul_byte_log_ins_leave_log_in_working() {
    String email = randomEmail();
    newUser(email);
    for (int i = 0; i < 100; i++) {
      logIn("a\u0000@b.io", "x").then().statusCode(400);
    }
    logIn(email, PASSWORD).then().statusCode(200);
  }

  static Stream<Arguments> badSignUps() {
    return Stream.of(
        Arguments.of("\u0000", PASSWORD, "Ada", "email"),
        Arguments.of("", "Correct-Horse-42\u0000", "Ada", "password"),
        Arguments.of("", "Correct-Horse-42\t", "Ada", "password"),
        Arguments.of("", PASSWORD, "Ada\u0000", "displayName"),
        Arguments.of("", PASSWORD, OVER_LONG, "displayName"));
  }

  @ParameterizedTest(name = "{3}")
  @MethodSource("badSignUps")
  void a_sign_up_with_a_control_character_or_an_over_long_value_is_a_400_and_creates_no_user(
      String emailSuffix, String password, String displayName, String field) {
    String email = "edge-" + UUID.randomUUID() + "@example.com";
    expectInvalid(
        signUp(email + emailSuffix, password, displayName).then(), "/api/identity/users", field);
    assertThat(users(email)).isZero();
  }

  @Test
  void with_the_database_refusing_connections_a_read_and_a_write_are_503_with_retry_after() {
    String email = randomEmail();
    newUser(email);
    String token = access(tokens(email, PASSWORD));
    String during = randomEmail();
    try (var outage = DatabaseOutage.of("identity")) {
      expectUnavailable(me(token).then());
      expectUnavailable(signUp(during, PASSWORD, "Ada").then());
    }
    me(token).then().statusCode(200);
    assertThat(users(during)).isZero();
  }

  private static void expectInvalid(ValidatableResponse response, String path, String field) {
    ProblemAnswers.expectInvalid(response, field).body("instance", equalTo(path));
  }

  private static int users(String emailPrefix) {
    try (Connection c = TesseraServers.shared().postgres().connectAsSuperuser("identity");
        PreparedStatement p = c.prepareStatement("select count(*) from users where email like ?")) {
      p.setString(1, emailPrefix + "%");
      try (ResultSet r = p.executeQuery()) {
        r.next();
        return r.getInt(1);
      }
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
  }
}
