package dev.tessera.scaffold;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class TemplateTest {

  @Test
  void values_are_replaced_and_java_braces_are_left_alone() {
    assertThat(Template.render("class {{Name}} { int x = 1; }", Map.of("Name", "Shipment")))
        .isEqualTo("class Shipment { int x = 1; }");
    assertThat(Template.render("${DB:{{service}}}", Map.of("service", "shipping")))
        .isEqualTo("${DB:shipping}");
  }

  @Test
  void a_section_is_kept_for_true_and_an_inverted_one_for_false_and_tag_lines_leave_nothing() {
    String text = "a\n{{#on}}\nkept\n{{/on}}\n{{^on}}\nother\n{{/on}}\nb\n";
    assertThat(Template.render(text, Map.of("on", true))).isEqualTo("a\nkept\nb\n");
    assertThat(Template.render(text, Map.of("on", false))).isEqualTo("a\nother\nb\n");
  }

  @Test
  void a_list_section_repeats_with_each_items_values_and_nests() {
    String text =
        "{{#topics}}\n{{topic}}:{{#types}} {{Type}}{{/types}} of {{service}}\n{{/topics}}";
    Map<String, Object> scope =
        Map.of(
            "service",
            "shipping",
            "topics",
            List.of(
                Map.of("topic", "a", "types", List.of(Map.of("Type", "X"), Map.of("Type", "Y"))),
                Map.of("topic", "b", "types", List.of())));
    assertThat(Template.render(text, scope)).isEqualTo("a: X Y of shipping\nb: of shipping\n");
  }

  @Test
  void a_name_the_scope_lacks_or_an_unclosed_section_is_an_error_not_output() {
    assertThatThrownBy(() -> Template.render("{{Aggregat}}", Map.of("Aggregate", "S")))
        .hasMessageContaining("{{Aggregat}}");
    assertThatThrownBy(() -> Template.render("{{#on}} x", Map.of("on", true)))
        .hasMessageContaining("never closed");
  }
}
