package dev.tessera.gateway.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class HeaderFilterTest {

  private static List<String> names(List<Map.Entry<String, String>> headers) {
    return headers.stream().map(Map.Entry::getKey).toList();
  }

  @Test
  void
      hop_by_hop_headers_those_named_in_connection_and_the_trace_context_are_dropped_from_requests() {
    var kept =
        HeaderFilter.requestHeaders(
            List.of(
                Map.entry("Connection", "keep-alive, X-Hop"),
                Map.entry("X-Hop", "1"),
                Map.entry("Keep-Alive", "timeout=5"),
                Map.entry("Proxy-Authorization", "Basic x"),
                Map.entry("Proxy-Foo", "y"),
                Map.entry("TE", "trailers"),
                Map.entry("Trailer", "X"),
                Map.entry("Transfer-Encoding", "chunked"),
                Map.entry("Upgrade", "h2c"),
                Map.entry("Host", "gateway"),
                Map.entry("Content-Length", "3"),
                Map.entry("Content-Type", "application/json"),
                Map.entry("Authorization", "Bearer t"),
                Map.entry("traceparent", "00-a-b-01"),
                Map.entry("tracestate", "k=v"),
                Map.entry("Accept", "*/*")));
    assertThat(names(kept)).containsExactly("Content-Type", "Authorization", "Accept");
  }

  @Test
  void identity_headers_a_client_could_spoof_are_dropped() {
    // Tried: the common names, different cases and the X-Auth-* / X-User-* families.
    var kept =
        HeaderFilter.requestHeaders(
            List.of(
                Map.entry("X-User-Id", "admin"),
                Map.entry("x-user-roles", "admin"),
                Map.entry("X-Forwarded-User", "admin"),
                Map.entry("X-AUTH-REQUEST-USER", "admin"),
                Map.entry("X-Authenticated-Userid", "admin"),
                Map.entry("Remote-User", "admin"),
                Map.entry("X-Forwarded-For", "6.6.6.6"),
                Map.entry("Forwarded", "for=6.6.6.6"),
                Map.entry("X-Request-Id", "spoofed"),
                Map.entry("X-Custom", "ok")));
    assertThat(names(kept)).containsExactly("X-Custom");
  }

  @Test
  void responses_keep_everything_but_hop_by_hop_headers() {
    var kept =
        HeaderFilter.responseHeaders(
            List.of(
                Map.entry("Connection", "close, X-Internal"),
                Map.entry("X-Internal", "1"),
                Map.entry("Transfer-Encoding", "chunked"),
                Map.entry("Keep-Alive", "timeout=5"),
                Map.entry("Content-Length", "10"),
                Map.entry("Location", "/api/orders/1"),
                Map.entry("Set-Cookie", "a=b")));
    assertThat(names(kept)).containsExactly("Content-Length", "Location", "Set-Cookie");
  }
}
