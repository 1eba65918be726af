package dev.tessera.gateway.it;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** HTTP caching at the edge: public GETs keep their validators; a current copy is a 304. */
@QuarkusTest
@QuarkusTestResource(GatewayTestResource.class)
class EdgeCachingTest {

  static FakeServices services;

  @BeforeEach
  void startServices() {
    services = FakeServices.get();
    FakeServices.awaitReady();
  }

  @Test
  void a_client_with_the_current_catalog_gets_a_304_from_the_gateway_without_an_upstream_call() {
    String etag =
        given()
            .get("/api/orders/catalog")
            .then()
            .statusCode(200)
            .header("Cache-Control", "public, max-age=60")
            .header("Last-Modified", "Sat, 05 Dec 2026 07:00:00 GMT")
            .extract()
            .header("ETag");
    assertThat(etag).isEqualTo(FakeServices.CATALOG_ETAG);
    int calls = services.received("/catalog").size();

    for (int i = 0; i < 3; i++) {
      given()
          .header("If-None-Match", etag)
          .get("/api/orders/catalog")
          .then()
          .statusCode(304)
          .header("ETag", etag)
          .header("Cache-Control", "public, max-age=60");
    }
    assertThat(services.received("/catalog")).hasSize(calls);
  }

  @Test
  void a_client_with_another_copy_or_asking_for_no_cache_is_answered_by_the_upstream() {
    given().get("/api/orders/catalog").then().statusCode(200);
    int calls = services.received("/catalog").size();

    given()
        .header("If-None-Match", "\"an-old-one\"")
        .get("/api/orders/catalog")
        .then()
        .statusCode(200);
    given()
        .header("If-None-Match", FakeServices.CATALOG_ETAG)
        .header("Cache-Control", "no-cache")
        .get("/api/orders/catalog")
        .then()
        .statusCode(304);

    assertThat(services.received("/catalog")).hasSize(calls + 2);
  }

  @Test
  void validators_are_kept_for_public_routes_only() {
    // A protected GET never gets a 304 from the gateway: its answer depends on who asks.
    given()
        .header("If-None-Match", FakeServices.CATALOG_ETAG)
        .get("/api/orders/some-order")
        .then()
        .statusCode(401);
  }
}
