package dev.tessera.gateway.proxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class ClientAddressTest {

  private final ClientAddress behindIngress = new ClientAddress(List.of("10.0.0.0/8", "::1"));

  @Test
  void a_peer_that_is_not_a_trusted_proxy_is_the_client_whatever_it_claims() {
    assertThat(behindIngress.resolve("203.0.113.9", List.of("1.2.3.4"))).isEqualTo("203.0.113.9");
    assertThat(new ClientAddress(List.of()).resolve("10.0.0.1", List.of("1.2.3.4")))
        .isEqualTo("10.0.0.1");
  }

  @Test
  void behind_trusted_proxies_the_right_most_untrusted_hop_is_the_client() {
    assertThat(behindIngress.resolve("10.1.2.3", List.of("6.6.6.6, 7.7.7.7"))).isEqualTo("7.7.7.7");
    assertThat(behindIngress.resolve("10.1.2.3", List.of("6.6.6.6", "7.7.7.7, 10.9.9.9")))
        .isEqualTo("7.7.7.7");
    assertThat(behindIngress.resolve("::1", List.of("2001:db8::1"))).isEqualTo("2001:db8::1");
  }

  @Test
  void garbage_or_only_trusted_hops_leave_the_last_address_known() {
    assertThat(behindIngress.resolve("10.1.2.3", List.of("evil.example, 7.7.7.7")))
        .isEqualTo("7.7.7.7");
    assertThat(behindIngress.resolve("10.1.2.3", List.of("6.6.6.6, not-an-ip")))
        .isEqualTo("10.1.2.3");
    assertThat(behindIngress.resolve("10.1.2.3", List.of("10.4.4.4"))).isEqualTo("10.4.4.4");
    assertThat(behindIngress.resolve("10.1.2.3", List.of())).isEqualTo("10.1.2.3");
  }

  @Test
  void a_malformed_trusted_range_is_refused_at_start() {
    assertThatThrownBy(() -> new ClientAddress(List.of("10.0.0.0/33")))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new ClientAddress(List.of("ingress.local")))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
