package dev.tessera.orders;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;

import dev.tessera.testing.OutboxCapture;
import dev.tessera.testing.TesseraTestResource;
import dev.tessera.testing.TestTokens;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import java.net.URL;
import java.time.Duration;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

@QuarkusTest
@QuarkusTestResource(
    value = TesseraTestResource.class,
    initArgs = @ResourceArg(name = "service", value = "orders"))
@QuarkusTestResource(TestTokens.class)
class HealthTest {

  /** /q/metrics, on the management interface (its own port; its root /q prefixes the value). */
  @TestHTTPResource(value = "/metrics", management = true)
  URL metrics;

  @BeforeAll
  static void captureOutbox() {
    OutboxCapture.start("orders");
  }

  @Test
  void reports_itself_live_and_ready_once_its_outbox_is_captured() {
    given().when().get("/q/health/live").then().statusCode(200).body("status", equalTo("UP"));
    // Ready once the outbox is captured, the database answers and the Kafka consumers have joined
    // their groups, which may take a moment after start-up.
    await()
        .atMost(Duration.ofSeconds(30))
        .untilAsserted(
            () ->
                given()
                    .when()
                    .get("/q/health/ready")
                    .then()
                    .statusCode(200)
                    .body("status", equalTo("UP")));
  }

  @Test
  void publishes_its_openapi_and_prometheus_metrics() {
    given()
        .accept("application/json")
        .get("/q/openapi")
        .then()
        .statusCode(200)
        .body("paths.'/api/orders'.post", org.hamcrest.Matchers.notNullValue());
    given()
        .get(metrics)
        .then()
        .statusCode(200)
        .body(org.hamcrest.Matchers.containsString("jvm_memory"));
  }
}
