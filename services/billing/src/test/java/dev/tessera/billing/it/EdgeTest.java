package dev.tessera.billing.it;

import static dev.tessera.billing.it.Billing.adminToken;
import static dev.tessera.billing.it.Billing.token;
import static dev.tessera.testing.ProblemAnswers.expectInvalid;
import static dev.tessera.testing.ProblemAnswers.expectUnavailable;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;

import dev.tessera.testing.DatabaseOutage;
import dev.tessera.testing.TesseraTestResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.response.ValidatableResponse;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** What billing answers at its edge: bad input is a 400, a database outage a 503, roles work. */
@QuarkusTest
@QuarkusTestResource(
    value = TesseraTestResource.class,
    initArgs = @ResourceArg(name = TesseraTestResource.SERVICE, value = Billing.SERVICE))
@QuarkusTestResource(JwtKeys.class)
class EdgeTest {

  @Test
  void a_control_character_or_an_over_long_payment_method_is_a_400_and_changes_nothing() {
    UUID userId = UUID.randomUUID();
    expectInvalid(setPaymentMethod(userId, "{\"token\":\"tok_visa\\u0000\"}"), "token");
    expectInvalid(setPaymentMethod(userId, "{\"token\":\"" + "x".repeat(1001) + "\"}"), "token");
    assertThat(accounts(userId)).isZero();
  }

  @Test
  void a_control_character_in_a_query_parameter_is_a_400() {
    String token = token(UUID.randomUUID());
    expectInvalid(
        given()
            .auth()
            .oauth2(token)
            .urlEncodingEnabled(false)
            .get("/api/billing/invoices?cursor=%07")
            .then(),
        "cursor");
  }

  @Test
  void an_admin_of_the_roles_claim_identity_issues_may_set_the_provider_mode_and_a_user_may_not() {
    given()
        .auth()
        .oauth2(adminToken())
        .get("/api/billing/admin/provider-mode")
        .then()
        .statusCode(200);
    given()
        .auth()
        .oauth2(token(UUID.randomUUID(), "user"))
        .get("/api/billing/admin/provider-mode")
        .then()
        .statusCode(403)
        .body("type", equalTo("https://tessera.dev/problems/forbidden"));
  }

  @Test
  void with_the_database_refusing_connections_a_read_and_a_write_are_503_with_retry_after() {
    UUID userId = UUID.randomUUID();
    try (var outage = DatabaseOutage.of(Billing.SERVICE)) {
      expectUnavailable(given().auth().oauth2(token(userId)).get("/api/billing/account").then());
      expectUnavailable(setPaymentMethod(userId, "{\"token\":\"tok_chargeDeclined\"}"));
    }
    given().auth().oauth2(token(userId)).get("/api/billing/account").then().statusCode(200);
    assertThat(accounts(userId)).isZero();
  }

  private static ValidatableResponse setPaymentMethod(UUID userId, String body) {
    return given()
        .auth()
        .oauth2(token(userId))
        .contentType(ContentType.JSON)
        .body(body)
        .put("/api/billing/account/payment-method")
        .then();
  }

  private static int accounts(UUID userId) {
    return Billing.count("select count(*) from billing_account where user_id = ?", userId);
  }
}
