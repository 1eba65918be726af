package dev.tessera.gateway.routing;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class RoutingTest {

  private final RouteTable table = new RouteTable(Set.of("identity", "orders", "billing"));

  @Test
  void the_first_segment_after_api_names_the_service() {
    assertThat(table.route("GET", "/api/orders/1")).contains(new Route("orders", "orders", false));
    assertThat(table.route("GET", "/api/orders")).contains(new Route("orders", "orders", false));
    assertThat(table.route("GET", "/api/ordersx/1")).isEmpty();
    assertThat(table.route("GET", "/api/notifications")).isEmpty();
    assertThat(table.route("GET", "/q/health")).isEmpty();
  }

  @Test
  void only_the_listed_method_and_path_pairs_are_public() {
    assertThat(table.route("POST", "/api/identity/tokens"))
        .contains(new Route("identity", "auth", true));
    assertThat(table.route("POST", "/api/identity/users"))
        .contains(new Route("identity", "auth", true));
    assertThat(table.route("POST", "/api/identity/tokens/refresh"))
        .contains(new Route("identity", "auth", true));
    assertThat(table.route("GET", "/api/identity/.well-known/jwks.json").orElseThrow().isPublic())
        .isTrue();
    assertThat(table.route("GET", "/api/orders/catalog").orElseThrow().isPublic()).isTrue();
    assertThat(table.route("DELETE", "/api/identity/tokens/current").orElseThrow().isPublic())
        .isFalse();
    assertThat(table.route("GET", "/api/identity/users/me").orElseThrow().isPublic()).isFalse();
    assertThat(table.route("POST", "/api/orders/catalog").orElseThrow().isPublic()).isFalse();
  }

  @Test
  void every_spelling_the_upstream_resolves_to_an_auth_endpoint_lands_in_the_auth_group() {
    for (String path :
        List.of(
            "/api/identity/tokens/",
            "/api/identity/tokens//",
            "/api/identity/Tokens",
            "/api/IDENTITY/users/",
            "/api/identity/tokens/refresh/",
            "/api/identity/TOKENS/REFRESH")) {
      assertThat(table.route("POST", path)).as(path).contains(new Route("identity", "auth", true));
    }
    assertThat(table.route("GET", "/api/orders/catalog/").orElseThrow().isPublic()).isTrue();
    assertThat(table.route("POST", "/api/identity/tokens/current").orElseThrow().group())
        .isEqualTo("identity");
  }

  @Test
  void instances_take_turns_and_a_failed_one_is_skipped_until_its_time_is_up() {
    long[] now = {0};
    Upstream upstream =
        new Upstream("orders", List.of("http://a:1", "http://b:2"), 100, () -> now[0]);
    assertThat(List.of(upstream.pick().host(), upstream.pick().host(), upstream.pick().host()))
        .containsExactly("a", "b", "a");
    Upstream.Instance b = upstream.instances().get(1);
    upstream.failed(b);
    assertThat(List.of(upstream.pick().host(), upstream.pick().host(), upstream.pick().host()))
        .containsOnly("a");
    now[0] = 100;
    assertThat(List.of(upstream.pick().host(), upstream.pick().host())).contains("b");
  }

  @Test
  void when_every_instance_failed_the_one_back_soonest_is_tried() {
    long[] now = {0};
    Upstream upstream =
        new Upstream("orders", List.of("http://a:1", "http://b:2"), 100, () -> now[0]);
    upstream.failed(upstream.instances().get(1));
    now[0] = 10;
    upstream.failed(upstream.instances().get(0));
    assertThat(upstream.pick().host()).isEqualTo("b");
    assertThat(upstream.pick().host()).isEqualTo("b");
  }
}
