package dev.tessera.contracts;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Named;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The released versions under {@code src/test/resources/released} against the current schemas:
 * events already on a topic must still validate and still read, and consumers built against a
 * released version must still find what they expect.
 */
class ReleasedSchemasTest {

  private static final Pattern RELEASED = Pattern.compile("(\\w+)/(\\w+)\\.v(\\d+)");

  /** Every released version, named {@code service/Name.vN}. */
  static Stream<Named<JsonNode>> releasedSchemas() {
    return Schemas.released().entrySet().stream()
        .map(schema -> Named.of(schema.getKey(), schema.getValue()));
  }

  @Test
  void every_current_schema_is_compatible_with_every_released_version() {
    Map<String, JsonNode> released = Schemas.released();

    assertThat(released).hasSizeGreaterThanOrEqualTo(EventTypes.all().size());
    assertThat(SchemaCompatibility.breakingChanges(released, Schemas.current())).isEmpty();
  }

  @Test
  void every_event_type_is_released_in_consecutive_versions_from_v1() {
    Map<String, Integer> latest = new TreeMap<>();
    for (String name : Schemas.released().keySet()) {
      Matcher parts = RELEASED.matcher(name);
      assertThat(parts.matches()).as(name + " is named <service>/<Name>.v<N>").isTrue();
      latest.merge(parts.group(1) + "/" + parts.group(2), 1, Integer::sum);
    }
    for (EventType<?> type : EventTypes.all()) {
      String name = type.service() + "/" + type.name();
      Integer versions = latest.get(name);
      assertThat(versions).as(name + " has a released v1").isNotNull();
      for (int version = 1; version <= versions; version++) {
        assertThat(Schemas.released()).as(name + " versions").containsKey(name + ".v" + version);
      }
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("releasedSchemas")
  void every_released_example_validates_against_the_current_schema(JsonNode released) {
    EventType<?> type = typeOf(released);
    JsonNode current = Schemas.of(type);

    assertThat(released.path("examples")).isNotEmpty();
    for (JsonNode example : released.path("examples")) {
      assertThat(Schemas.errors(current, example)).as(example.toString()).isEmpty();
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("releasedSchemas")
  void every_released_example_reads_as_the_current_record(JsonNode released) {
    EventType<?> type = typeOf(released);

    for (JsonNode example : released.path("examples")) {
      IntegrationEvent event = EventCodec.fromJson(example.toString(), type.javaType());

      assertThat(event.aggregateId()).isEqualTo(example.path(type.aggregate() + "Id").asText());
    }
  }

  private static EventType<?> typeOf(JsonNode released) {
    String name = released.path("title").asText();
    return EventTypes.byName(name)
        .orElseThrow(() -> new AssertionError("No current event type " + name));
  }
}
