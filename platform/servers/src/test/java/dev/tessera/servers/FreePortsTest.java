package dev.tessera.servers;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class FreePortsTest {

  @Test
  void hands_out_bindable_ports_below_the_ephemeral_range_and_never_the_same_one_twice()
      throws Exception {
    Set<Integer> seen = new HashSet<>();
    for (int i = 0; i < 50; i++) {
      int port = FreePorts.next();
      assertThat(port).isBetween(10_000, FreePorts.ceiling() - 1);
      assertThat(seen.add(port)).as("port %d handed out twice", port).isTrue();
    }
    int base = FreePorts.range(20);
    for (int port = base; port < base + 20; port++) {
      assertThat(seen).doesNotContain(port);
      try (ServerSocket socket = new ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
        assertThat(socket.getLocalPort()).isEqualTo(port);
      }
    }
  }
}
