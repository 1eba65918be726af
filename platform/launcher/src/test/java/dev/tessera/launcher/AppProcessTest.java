package dev.tessera.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class AppProcessTest {

  @Test
  void an_app_gets_the_small_heap_and_the_serial_collector_by_default() {
    assertThat(AppProcess.jvmOptions(null))
        .isEqualTo(AppProcess.jvmOptions("  "))
        .contains("-Xmx256m", "-XX:+UseSerialGC", "-XX:+ExitOnOutOfMemoryError");
  }

  @Test
  void extra_options_come_after_the_defaults_so_that_they_win() {
    assertThat(AppProcess.jvmOptions(" -XX:TieredStopAtLevel=1   -Xmx384m "))
        .startsWith(AppProcess.jvmOptions(null).toArray(String[]::new))
        .endsWith("-XX:TieredStopAtLevel=1", "-Xmx384m")
        .hasSize(AppProcess.jvmOptions(null).size() + 2);
  }
}
