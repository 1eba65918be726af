package dev.tessera.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class CheckedStringsTest {

  record Line(String sku, int quantity) {}

  record Order(String note, List<Line> items, Map<String, String> tags) {}

  private final ObjectMapper application = new ObjectMapper();
  private final ObjectMapper mapper = new CheckedStrings(application, 20).getContext(Order.class);

  @Test
  void a_nul_byte_in_a_nested_field_fails_the_body_naming_the_field() {
    InvalidStringException e =
        catchThrowableOfType(
            InvalidStringException.class,
            () ->
                mapper.readValue(
                    "{\"items\":[{\"sku\":\"MUG\",\"quantity\":1},{\"sku\":\"M\\u0000G\"}]}",
                    Order.class));
    assertThat(e.field()).isEqualTo("items[1].sku");
    assertThat(e.rule()).isEqualTo("must not contain control characters");
  }

  @Test
  void an_over_long_string_in_a_map_value_fails_the_body() {
    InvalidStringException e =
        catchThrowableOfType(
            InvalidStringException.class,
            () ->
                mapper.readValue(
                    "{\"tags\":{\"colour\":\"" + "x".repeat(21) + "\"}}", Order.class));
    assertThat(e.field()).isEqualTo("tags.colour");
    assertThat(e.rule()).isEqualTo("must be at most 20 characters long");
  }

  @Test
  void a_body_that_keeps_the_rules_reads_as_before() throws Exception {
    String json = "{\"note\":\"Zoë \\ud83d\\ude00\",\"items\":[{\"sku\":\"MUG\",\"quantity\":2}]}";
    assertThat(mapper.readValue(json, Order.class))
        .isEqualTo(application.readValue(json, Order.class));
  }

  @Test
  void the_application_mapper_is_left_as_it_was() throws Exception {
    assertThat(application.readValue("{\"note\":\"a\\u0000b\"}", Order.class).note())
        .isEqualTo("a\u0000b");
  }
}
