package dev.tessera.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.regex.Matcher;
import org.junit.jupiter.api.Test;

class CacheGetLineTest {

  @Test
  void a_sample_with_an_exemplar_is_read_as_its_count_not_the_exemplars_value() {
    // OpenMetrics, as the services serve it while tracing: the counter's value, then the trace
    // that last incremented it and that exemplar's own value.
    Matcher m =
        Tessera.CACHE_GET.matcher(
            "tessera_cache_gets_total{cache=\"first-page\",result=\"l1-hit\"} 514798.0 #"
                + " {span_id=\"f1c7893034441e27\",trace_id=\"f2d36c10707147f6fecfe9cc044acd50\"}"
                + " 1.0");
    assertThat(m.matches()).isTrue();
    assertThat(m.group(1)).isEqualTo("first-page");
    assertThat(m.group(2)).isEqualTo("l1-hit");
    assertThat(m.group(3)).isEqualTo("514798.0");
  }

  @Test
  void a_sample_without_an_exemplar_is_read_as_its_count() {
    Matcher m =
        Tessera.CACHE_GET.matcher("tessera_cache_gets_total{cache=\"order\",result=\"miss\"} 42.0");
    assertThat(m.matches()).isTrue();
    assertThat(m.group(3)).isEqualTo("42.0");
  }
}
