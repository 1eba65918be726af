package dev.tessera.testing;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.opentest4j.TestAbortedException;

class RestartableTest {

  @Test
  void a_test_that_needs_a_restart_is_skipped_where_the_server_cannot_restart() {
    Object container = "redis in a container";
    assertThatThrownBy(() -> TesseraServers.restartable(container))
        .isInstanceOf(TestAbortedException.class)
        .hasMessageContaining("cannot be stopped and restarted");
  }
}
