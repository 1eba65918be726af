package dev.tessera.contracts;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.lang.reflect.RecordComponent;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Named;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class EventSchemasTest {

  private static final String ID_BASE = "https://tessera.dev/schemas/";

  /** The current schemas, each named by {@code service/Name}. */
  static Stream<Named<JsonNode>> schemas() {
    return Schemas.current().entrySet().stream()
        .map(schema -> Named.of(schema.getKey(), schema.getValue()));
  }

  static List<EventType<?>> eventTypes() {
    return EventTypes.all();
  }

  @Test
  void there_is_exactly_one_schema_per_event_type() {
    Set<String> expected =
        EventTypes.all().stream()
            .map(type -> type.service() + "/" + type.name())
            .collect(Collectors.toSet());

    assertThat(Schemas.current().keySet()).isEqualTo(expected);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("schemas")
  void every_schema_is_a_valid_2020_12_schema(JsonNode schema) {
    assertThat(schema.path("$schema").asText()).isEqualTo(Schemas.META_SCHEMA);
    assertThat(Schemas.metaSchemaErrors(schema)).isEmpty();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("eventTypes")
  void every_schema_identifies_and_describes_its_event(EventType<?> type) {
    JsonNode schema = Schemas.of(type);

    assertThat(schema.path("$id").asText())
        .isEqualTo(ID_BASE + type.service() + "/" + type.name() + ".json");
    assertThat(schema.path("title").asText()).isEqualTo(type.name());
    assertThat(schema.path("description").asText()).contains(type.topic());
    assertThat(schema.path("type").asText()).isEqualTo("object");
    assertThat(schema.path("required")).isNotEmpty();
    assertThat(schema.path("examples")).isNotEmpty();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("schemas")
  void every_schema_example_validates(JsonNode schema) {
    for (JsonNode example : schema.path("examples")) {
      assertThat(Schemas.errors(schema, example)).as(example.toString()).isEmpty();
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("eventTypes")
  void every_schema_example_reads_as_its_record(EventType<?> type) throws IOException {
    for (JsonNode example : Schemas.of(type).path("examples")) {
      IntegrationEvent event = EventCodec.fromJson(example.toString(), type.javaType());

      assertThat(Schemas.JSON.readTree(EventCodec.toJson(event)))
          .as("an example reads without losing a field")
          .isEqualTo(example);
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("eventTypes")
  void the_schema_and_the_record_have_the_same_fields(EventType<?> type) {
    JsonNode schema = Schemas.of(type);
    Set<String> components =
        Arrays.stream(type.javaType().getRecordComponents())
            .map(RecordComponent::getName)
            .collect(Collectors.toSet());
    Set<String> properties = new HashSet<>();
    schema.path("properties").fieldNames().forEachRemaining(properties::add);
    Set<String> required = new HashSet<>();
    schema.path("required").forEach(name -> required.add(name.asText()));

    assertThat(properties).as("properties").isEqualTo(components);
    assertThat(components).as("record components").containsAll(required);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("schemas")
  void no_schema_forbids_additional_properties(JsonNode schema) {
    List<String> closed = new ArrayList<>();
    collectClosedObjects(schema, "", closed);

    assertThat(closed).as("tolerant readers need room for new optional fields").isEmpty();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("schemas")
  void every_schema_uses_only_keywords_the_compatibility_check_compares(JsonNode schema) {
    assertThat(SchemaCompatibility.breakingChanges(schema, schema)).isEmpty();
  }

  private static void collectClosedObjects(JsonNode node, String path, List<String> closed) {
    if (node.isObject()) {
      JsonNode additional = node.get("additionalProperties");
      if (additional != null
          && !additional.equals(Schemas.JSON.getNodeFactory().booleanNode(true))) {
        closed.add(path);
      }
      for (Map.Entry<String, JsonNode> field : node.properties()) {
        collectClosedObjects(field.getValue(), path + "/" + field.getKey(), closed);
      }
    } else if (node.isArray()) {
      for (int i = 0; i < node.size(); i++) {
        collectClosedObjects(node.get(i), path + "/" + i, closed);
      }
    }
  }
}
