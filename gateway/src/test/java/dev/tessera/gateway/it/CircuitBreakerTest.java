package dev.tessera.gateway.it;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Circuits count only upstream faults, and each instance has its own ({@code inventory}: two
 * healthy instances; 10 calls in the window and half of them failing open a circuit here).
 */
@QuarkusTest
@QuarkusTestResource(GatewayTestResource.class)
class CircuitBreakerTest {

  static FakeServices services;

  @BeforeEach
  void startServices() {
    services = FakeServices.get();
    FakeServices.awaitReady();
  }

  private static String bearer() {
    return "Bearer " + services.token();
  }

  @Test
  void load_shedding_503s_with_retry_after_reach_the_client_and_never_open_a_circuit() {
    for (int i = 0; i < 30; i++) {
      String path = "/api/inventory/shedding/" + UUID.randomUUID();
      Response r = given().header("Authorization", bearer()).get(path);
      assertThat(r.statusCode()).isEqualTo(503);
      assertThat(r.getHeader("Retry-After")).isEqualTo("1");
      assertThat(r.jsonPath().getString("title")).as("the upstream's own answer").isEqualTo("busy");
      assertThat(services.received(path)).as("not retried").hasSize(1);
    }
    for (int i = 0; i < 4; i++) {
      given()
          .header("Authorization", bearer())
          .get("/api/inventory/after-shedding-" + UUID.randomUUID())
          .then()
          .statusCode(200);
    }
  }

  @Test
  void a_failing_instance_opens_its_own_circuit_and_the_other_keeps_serving() {
    List<Integer> statuses = new ArrayList<>();
    for (int i = 0; i < 40; i++) {
      // POSTs are never retried: each 500 of inventory-1 reaches the client and counts.
      statuses.add(
          given()
              .header("Authorization", bearer())
              .contentType("application/json")
              .body("{}")
              .post("/api/inventory/broken-on-1/" + UUID.randomUUID())
              .statusCode());
    }
    assertThat(statuses).containsOnly(200, 500);
    assertThat(statuses.subList(30, 40)).as("inventory-1 is skipped by now").containsOnly(200);
    String id = UUID.randomUUID().toString();
    for (int i = 0; i < 4; i++) {
      given().header("Authorization", bearer()).get("/api/inventory/" + id).then().statusCode(200);
    }
    assertThat(services.received(id))
        .extracting(FakeServices.Received::instance)
        .containsOnly("inventory-2");
  }
}
