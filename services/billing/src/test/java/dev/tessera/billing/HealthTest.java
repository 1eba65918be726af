package dev.tessera.billing;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;

import dev.tessera.billing.it.JwtKeys;
import dev.tessera.testing.OutboxCapture;
import dev.tessera.testing.TesseraTestResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

@QuarkusTest
@QuarkusTestResource(
    value = TesseraTestResource.class,
    initArgs = @ResourceArg(name = TesseraTestResource.SERVICE, value = "billing"))
@QuarkusTestResource(JwtKeys.class)
class HealthTest {

  @BeforeAll
  static void captureOutbox() {
    OutboxCapture.start("billing");
  }

  @Test
  void reports_itself_live_and_ready_with_the_provider_circuit_as_data() {
    given().when().get("/q/health/live").then().statusCode(200).body("status", equalTo("UP"));
    given()
        .when()
        .get("/q/health/ready")
        .then()
        .statusCode(200)
        .body("status", equalTo("UP"))
        .body("checks.name", hasItem("payment-provider"))
        .body(
            "checks.find { it.name == 'payment-provider' }.data.chargeCircuit", equalTo("CLOSED"));
  }
}
