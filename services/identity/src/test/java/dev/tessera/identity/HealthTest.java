package dev.tessera.identity;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsStringIgnoringCase;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.hasItems;

import dev.tessera.testing.OutboxCapture;
import dev.tessera.testing.TesseraTestResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import java.net.URL;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

@QuarkusTest
@QuarkusTestResource(
    value = TesseraTestResource.class,
    initArgs = @ResourceArg(name = "service", value = "identity"))
class HealthTest {

  /** /q/metrics, on the management interface (its own port; its root /q prefixes the value). */
  @TestHTTPResource(value = "/metrics", management = true)
  URL metrics;

  @BeforeAll
  static void captureOutbox() {
    OutboxCapture.start("identity");
  }

  @Test
  void reports_itself_live_and_ready_with_its_database_and_redis_checked() {
    given().when().get("/q/health/live").then().statusCode(200).body("status", equalTo("UP"));
    given()
        .when()
        .get("/q/health/ready")
        .then()
        .statusCode(200)
        .body("status", equalTo("UP"))
        .body("checks.name", hasItems("Reactive PostgreSQL connections health check"))
        .body("checks.name", hasItem(containsStringIgnoringCase("redis")));
  }

  @Test
  void publishes_openapi_and_prometheus_metrics() {
    given()
        .get("/q/openapi?format=json")
        .then()
        .statusCode(200)
        .body("paths", org.hamcrest.Matchers.hasKey("/api/identity/tokens"));
    given().get("/api/identity/.well-known/jwks.json").then().statusCode(200);
    given()
        .get(metrics)
        .then()
        .statusCode(200)
        .body(org.hamcrest.Matchers.containsString("http_server_requests"));
  }
}
