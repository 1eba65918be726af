package dev.tessera.gateway.it;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What the gateway does while upstream instances come and go in a rolling upgrade, against real
 * upstream servers ({@link RollingUpstreams}): a request that never reached an instance is sent to
 * the next one whatever its method, an instance that is going away gets no new requests, one that
 * may have acted on a request gets it again only when repeating it is harmless, and the gateway
 * closes idle upstream connections itself.
 */
@QuarkusTest
@QuarkusTestResource(GatewayTestResource.class)
class RollingUpgradeTest {

  static FakeServices services;
  static RollingUpstreams upstreams;

  @BeforeEach
  void startServices() {
    services = FakeServices.get();
    upstreams = RollingUpstreams.get();
    FakeServices.awaitReady();
  }

  private static String bearer() {
    return "Bearer " + services.token();
  }

  @Test
  void a_post_that_finds_an_instance_refusing_connections_is_sent_to_the_next_one() {
    String id = UUID.randomUUID().toString();
    String token = bearer();
    for (int i = 0; i < 4; i++) {
      given()
          .header("Authorization", token)
          .contentType("application/json")
          .body("{}")
          .post("/api/refusing/" + id + "/" + i)
          .then()
          .statusCode(200)
          .body("instance", equalTo("refusing-2"));
    }
    assertThat(upstreams.received(id)).hasSize(4);
  }

  @Test
  void an_instance_that_answers_connection_close_gets_no_new_requests_and_none_fails() {
    String id = UUID.randomUUID().toString();
    String token = bearer();
    List<Integer> statuses = new ArrayList<>();
    for (int i = 0; i < 8; i++) {
      var request = given().header("Authorization", token);
      statuses.add(
          i % 2 == 0
              ? request.get("/api/draining/" + id + "/" + i).statusCode()
              : request
                  .contentType("application/json")
                  .body("{}")
                  .post("/api/draining/" + id + "/" + i)
                  .statusCode());
    }
    assertThat(statuses).containsOnly(200);
    assertThat(upstreams.received(id))
        .filteredOn(r -> r.instance().equals("draining-1"))
        .as("the instance going away answers once at most, then is skipped")
        .hasSizeLessThanOrEqualTo(1);
  }

  @Test
  void
      a_request_whose_connection_breaks_unanswered_is_sent_again_only_if_repeating_it_is_harmless() {
    String token = bearer();
    String keyed = "/api/vanishing/vanish/" + UUID.randomUUID();
    given()
        .header("Authorization", token)
        .header("Idempotency-Key", UUID.randomUUID().toString())
        .contentType("application/json")
        .body("{}")
        .post(keyed)
        .then()
        .statusCode(200);
    assertThat(upstreams.received(keyed)).as("sent again: the key makes it harmless").hasSize(2);

    String get = "/api/vanishing/vanish/" + UUID.randomUUID();
    given().header("Authorization", token).get(get).then().statusCode(200);
    assertThat(upstreams.received(get)).hasSize(2);

    String keyless = "/api/vanishing/vanish/" + UUID.randomUUID();
    given()
        .header("Authorization", token)
        .contentType("application/json")
        .body("{}")
        .post(keyless)
        .then()
        .statusCode(503)
        .contentType("application/problem+json")
        .body("type", equalTo("https://tessera.dev/problems/upstream-unavailable"));
    assertThat(upstreams.received(keyless))
        .as("not sent again: the instance may have acted on it")
        .hasSize(1);
  }

  @Test
  void the_gateway_closes_idle_upstream_connections_itself() {
    given()
        .header("Authorization", bearer())
        .get("/api/idle/" + UUID.randomUUID())
        .then()
        .statusCode(200)
        .body("instance", equalTo("idle-1"));
    // The upstream never closes an idle connection here: only the gateway's keep-alive timeout can.
    await()
        .atMost(Duration.ofSeconds(15))
        .untilAsserted(() -> assertThat(upstreams.idleConnections()).isZero());
  }
}
