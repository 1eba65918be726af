package dev.tessera.gateway.routing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class RoutingTest {

  // As the launcher and the chart configure it from identity's and orders' service.yaml.
  private final RouteTable table =
      new RouteTable(
          Set.of("identity", "orders", "billing"),
          List.of("/api/identity/.well-known/jwks.json", "/api/orders/catalog"),
          List.of(
              "POST /api/identity/users",
              "POST /api/identity/tokens",
              "POST /api/identity/tokens/refresh"));

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
  void without_configured_routes_every_route_needs_a_token() {
    RouteTable bare = new RouteTable(Set.of("identity", "orders"), List.of(), List.of());
    assertThat(bare.route("POST", "/api/identity/tokens"))
        .contains(new Route("identity", "identity", false));
    assertThat(bare.route("GET", "/api/orders/catalog"))
        .contains(new Route("orders", "orders", false));
  }

  @Test
  void a_configured_route_is_matched_as_the_upstream_resolves_it_however_it_was_written() {
    RouteTable written =
        new RouteTable(
            Set.of("orders"),
            List.of(" /api/orders/Catalog/ "),
            List.of("POST  /api/orders/keys/"));
    assertThat(written.route("GET", "/api/orders/catalog").orElseThrow().isPublic()).isTrue();
    assertThat(written.route("POST", "/api/orders/KEYS"))
        .contains(new Route("orders", "auth", true));
  }

  @Test
  void a_route_under_no_configured_service_or_malformed_stops_the_gateway_at_start() {
    assertThatThrownBy(
            () -> new RouteTable(Set.of("orders"), List.of("/api/shipping/rates"), List.of()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith(
            "tessera.gateway.routes.public-reads: '/api/shipping/rates' is not a path below"
                + " /api/<service>/ of a configured service");
    assertThatThrownBy(() -> new RouteTable(Set.of("orders"), List.of("/api/orders/"), List.of()))
        .hasMessageContaining("'/api/orders/' is not a path below /api/<service>/");
    assertThatThrownBy(
            () -> new RouteTable(Set.of("orders"), List.of(), List.of("/api/orders/keys")))
        .hasMessageStartingWith(
            "tessera.gateway.routes.auth: '/api/orders/keys' is not \"METHOD /path\"");
    assertThatThrownBy(
            () -> new RouteTable(Set.of("orders"), List.of(), List.of("post /api/orders/keys")))
        .hasMessageStartingWith("tessera.gateway.routes.auth: 'post /api/orders/keys'");
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

  @Test
  void discovery_replaces_the_instances_and_keeps_the_state_of_those_that_stay() {
    long[] now = {0};
    Upstream upstream =
        new Upstream("orders", List.of("http://orders-pods:8080"), 100, () -> now[0]);
    java.net.URI a = java.net.URI.create("http://10.0.0.1:8080");
    java.net.URI b = java.net.URI.create("http://10.0.0.2:8080");
    java.net.URI c = java.net.URI.create("http://10.0.0.3:8080");
    assertThat(upstream.update(List.of(a, b))).isTrue();
    Upstream.Instance first = upstream.instances().get(0);
    upstream.failed(first);
    assertThat(upstream.update(List.of(b, a))).as("the same set").isFalse();
    assertThat(upstream.update(List.of(a, c))).isTrue();
    assertThat(upstream.instances())
        .extracting(Upstream.Instance::host)
        .containsExactly("10.0.0.1", "10.0.0.3");
    assertThat(upstream.isEjected(upstream.instances().get(0))).as("a stays ejected").isTrue();
    assertThat(upstream.update(List.of())).as("a failed lookup changes nothing").isFalse();
    assertThat(upstream.instances()).hasSize(2);
    assertThat(upstream.configured())
        .containsExactly(java.net.URI.create("http://orders-pods:8080"));
  }

  @Test
  void every_address_of_an_upstream_host_is_one_instance() throws Exception {
    java.net.InetAddress one = java.net.InetAddress.getByName("10.1.0.7");
    java.net.InetAddress two = java.net.InetAddress.getByName("10.1.0.9");
    java.net.InetAddress six = java.net.InetAddress.getByName("fd00::5");
    var found =
        dev.tessera.gateway.proxy.UpstreamDiscovery.expand(
            List.of(java.net.URI.create("http://orders-pods.tessera.svc:8080")),
            host -> List.of(one, two, six));
    assertThat(found.orElseThrow())
        .extracting(java.net.URI::toString)
        .containsExactly(
            "http://10.1.0.7:8080", "http://10.1.0.9:8080", "http://[fd00:0:0:0:0:0:0:5]:8080");
    assertThat(
            dev.tessera.gateway.proxy.UpstreamDiscovery.expand(
                List.of(java.net.URI.create("http://gone:8080")),
                host -> {
                  throw new java.net.UnknownHostException(host);
                }))
        .isEmpty();
  }
}
