package dev.tessera.gateway.it;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.notNullValue;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import java.net.URL;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Public routes need no token; health, metrics and the combined API docs are served. */
@QuarkusTest
@QuarkusTestResource(GatewayTestResource.class)
class PublicRoutesAndOperationsTest {

  /** /q/metrics, on the management interface (its own port; its root /q prefixes the value). */
  @TestHTTPResource(value = "/metrics", management = true)
  URL metricsUrl;

  static FakeServices services;

  @BeforeEach
  void startServices() {
    services = FakeServices.get();
    FakeServices.awaitReady();
  }

  @Test
  void sign_up_log_in_refresh_jwks_and_catalog_pass_without_a_token() {
    given()
        .contentType("application/json")
        .body("{}")
        .post("/api/identity/users")
        .then()
        .statusCode(200);
    given()
        .contentType("application/json")
        .body("{}")
        .post("/api/identity/tokens")
        .then()
        .statusCode(200);
    given()
        .contentType("application/json")
        .body("{}")
        .post("/api/identity/tokens/refresh")
        .then()
        .statusCode(200);
    given().get("/api/identity/.well-known/jwks.json").then().statusCode(200);
    given().get("/api/orders/catalog").then().statusCode(200);
  }

  @Test
  void the_same_paths_with_other_methods_still_need_a_token() {
    given().get("/api/identity/users").then().statusCode(401);
    given().delete("/api/identity/tokens").then().statusCode(401);
    given()
        .contentType("application/json")
        .body("{}")
        .post("/api/orders/catalog")
        .then()
        .statusCode(401);
  }

  @Test
  void readiness_and_liveness_are_up() {
    given().get("/q/health/live").then().statusCode(200).body("status", equalTo("UP"));
    given().get("/q/health/ready").then().statusCode(200).body("checks.name", hasItem("jwks"));
  }

  @Test
  void metrics_are_on_the_management_port_and_not_on_the_api_port() {
    assertThat(metricsUrl.getPath())
        .as("the path the chart's ServiceMonitor scrapes")
        .isEqualTo("/q/metrics");
    assertThat(metricsUrl.getPort()).isNotEqualTo(io.restassured.RestAssured.port);
    given().get(metricsUrl).then().statusCode(200);
    given().get("/q/metrics").then().statusCode(404);
  }

  @Test
  void metrics_per_route_group_are_exposed() {
    given().get("/api/orders/catalog").then().statusCode(200);
    String metrics = given().get(metricsUrl).then().statusCode(200).extract().asString();
    assertThat(metrics).contains("gateway_requests_seconds_bucket").contains("group=\"orders\"");
    // The SLO latency alert (helm/tessera PrometheusRule) reads this bucket.
    assertThat(metrics).containsPattern("http_server_requests_seconds_bucket\\{[^}]*le=\"0\\.5\"");
  }

  @Test
  void the_combined_openapi_merges_every_reachable_service_and_swagger_ui_points_at_it() {
    given()
        .get("/api/docs/openapi.json")
        .then()
        .statusCode(200)
        .body("paths", notNullValue())
        .body("paths.'/api/orders/things'.get.summary", equalTo("orders things"))
        .body("paths.'/api/identity/things'.get.summary", equalTo("identity things"))
        .body("x-tessera-unavailable", hasItem("billing"));
    given().get("/q/swagger-ui/").then().statusCode(200);
    given().get("/q/swagger-ui/index.html").then().statusCode(200).body(containsString("swagger"));
  }
}
