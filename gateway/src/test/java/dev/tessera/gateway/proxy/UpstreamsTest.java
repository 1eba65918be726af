package dev.tessera.gateway.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.ConnectException;
import org.eclipse.microprofile.faulttolerance.exceptions.CircuitBreakerOpenException;
import org.eclipse.microprofile.faulttolerance.exceptions.TimeoutException;
import org.junit.jupiter.api.Test;

class UpstreamsTest {

  @Test
  void a_call_an_instances_open_circuit_refused_is_sent_to_the_next_instance_whatever_its_method() {
    // The instance's guard refused it before a byte was written: as safe to resend as a refused
    // connection. Seen in a rolling update: a POST picked the instance just started, whose
    // circuit had opened while it refused connections, and reached the client as 503
    // upstream-circuit-open while the other instance was serving (RollingRestartIT, 2026-12-06).
    CircuitBreakerOpenException refused = new CircuitBreakerOpenException("upstream-orders-1");
    assertThat(Upstreams.notSent(refused)).isTrue();
    assertThat(Upstreams.retriable(refused)).isTrue();
  }

  @Test
  void a_refused_connection_is_resent_and_a_timeout_never_is() {
    UpstreamFailure.NotSent notSent =
        new UpstreamFailure.NotSent("orders-1", new ConnectException("Connection refused"));
    assertThat(Upstreams.notSent(notSent)).isTrue();
    assertThat(Upstreams.retriable(new TimeoutException("slow"))).isFalse();
    assertThat(Upstreams.notSent(new TimeoutException("slow"))).isFalse();
  }
}
