package dev.tessera.gateway;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;

import dev.tessera.gateway.it.FakeServices;
import dev.tessera.gateway.it.GatewayTestResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.Test;

@QuarkusTest
@QuarkusTestResource(GatewayTestResource.class)
class HealthTest {

  @Test
  void reports_itself_live_and_ready_once_the_jwks_is_loaded() {
    FakeServices.get();
    FakeServices.awaitReady();
    given().when().get("/q/health/live").then().statusCode(200).body("status", equalTo("UP"));
    given().when().get("/q/health/ready").then().statusCode(200).body("status", equalTo("UP"));
  }
}
