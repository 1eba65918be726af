package dev.tessera.contracts;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Named.named;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Map;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.api.Named;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class SchemaCompatibilityTest {

  private static final String RELEASED =
      """
      {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "title": "Sample",
        "description": "A released event.",
        "type": "object",
        "required": ["id", "amount", "lines"],
        "properties": {
          "id": {"type": "string", "format": "uuid"},
          "amount": {"type": "integer", "minimum": 0, "maximum": 1000, "multipleOf": 10},
          "reason": {"type": "string", "enum": ["declined", "timeout"]},
          "code": {"type": "string", "pattern": "^[a-z]+$", "minLength": 1, "maxLength": 20},
          "note": {"type": "string"},
          "lines": {"type": "array", "minItems": 1, "maxItems": 50, "items": {"$ref": "#/$defs/Line"}}
        },
        "$defs": {
          "Line": {
            "type": "object",
            "required": ["qty"],
            "properties": {"qty": {"type": "integer", "minimum": 1}}
          }
        },
        "examples": [{"id": "8e5f2a9c-1d47-4b3e-a6c8-5b9d0e2f7a14", "amount": 10, "lines": [{"qty": 1}]}]
      }
      """;

  @Test
  void an_unchanged_schema_is_compatible() {
    assertThat(SchemaCompatibility.breakingChanges(released(), released())).isEmpty();
  }

  @Test
  void an_additive_optional_property_is_compatible() {
    JsonNode current =
        changed(root -> properties(root).set("coupon", node("{\"type\": \"string\"}")));

    assertThat(SchemaCompatibility.breakingChanges(released(), current)).isEmpty();
  }

  @Test
  void new_descriptions_titles_and_examples_are_compatible() {
    JsonNode current =
        changed(
            root -> {
              root.put("description", "Reworded.");
              root.put("title", "Renamed");
              root.putArray("examples").add(node("{\"id\": \"x\"}"));
              property(root, "amount").put("description", "Minor units.");
              property(root, "note").put("deprecated", true);
            });

    assertThat(SchemaCompatibility.breakingChanges(released(), current)).isEmpty();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource
  void a_looser_constraint_is_compatible(Consumer<ObjectNode> change) {
    assertThat(SchemaCompatibility.breakingChanges(released(), changed(change))).isEmpty();
  }

  static Stream<Named<Consumer<ObjectNode>>> a_looser_constraint_is_compatible() {
    return Stream.of(
        named("a lower minimum", root -> property(root, "amount").put("minimum", -5)),
        named("a higher maximum", root -> property(root, "amount").put("maximum", 5000)),
        named("no maximum", root -> property(root, "amount").remove("maximum")),
        named("a divisor of multipleOf", root -> property(root, "amount").put("multipleOf", 5)),
        named("a longer maxLength", root -> property(root, "code").put("maxLength", 40)),
        named("no pattern", root -> property(root, "code").remove("pattern")),
        named("no minItems", root -> property(root, "lines").remove("minItems")),
        named(
            "an enum with one more value",
            root -> ((ArrayNode) property(root, "reason").get("enum")).add("fraud")),
        named(
            "additionalProperties stated as true", root -> root.put("additionalProperties", true)));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource
  void a_breaking_change_is_detected(Consumer<ObjectNode> change, String expected) {
    assertThat(SchemaCompatibility.breakingChanges(released(), changed(change)))
        .anySatisfy(problem -> assertThat(problem).contains(expected));
  }

  static Stream<Arguments> a_breaking_change_is_detected() {
    return Stream.of(
        breaking(
            "a property changes type",
            root -> property(root, "amount").put("type", "string"),
            "/properties/amount: type changed from integer to string"),
        breaking(
            "integer widens to number",
            root -> property(root, "amount").put("type", "number"),
            "/properties/amount: type changed from integer to number"),
        breaking(
            "a format is dropped",
            root -> property(root, "id").remove("format"),
            "/properties/id: format changed from uuid to (none)"),
        breaking(
            "a format is added",
            root -> property(root, "note").put("format", "email"),
            "/properties/note: format changed from (none) to email"),
        breaking(
            "a released property is removed",
            root -> properties(root).remove("note"),
            "/: property 'note' was removed"),
        breaking(
            "a required property becomes optional",
            root -> required(root).remove(1),
            "/: property 'amount' is no longer required"),
        breaking(
            "an optional property becomes required",
            root -> required(root).add("reason"),
            "/: property 'reason' became required"),
        breaking(
            "a new property is required",
            root -> {
              properties(root).set("coupon", node("{\"type\": \"string\"}"));
              required(root).add("coupon");
            },
            "/: property 'coupon' became required"),
        breaking(
            "an enum loses a value",
            root -> property(root, "reason").set("enum", node("[\"declined\"]")),
            "/properties/reason: enum lost values [\"timeout\"]"),
        breaking(
            "a free property gets an enum",
            root -> property(root, "note").set("enum", node("[\"a\", \"b\"]")),
            "/properties/note: values now restricted to"),
        breaking(
            "a minimum is raised",
            root -> property(root, "amount").put("minimum", 1),
            "/properties/amount: minimum made stricter, from 0 to 1"),
        breaking(
            "a maximum is lowered",
            root -> property(root, "amount").put("maximum", 999),
            "/properties/amount: maximum made stricter, from 1000 to 999"),
        breaking(
            "an exclusive minimum is added",
            root -> property(root, "amount").put("exclusiveMinimum", 0),
            "/properties/amount: exclusiveMinimum 0 added"),
        breaking(
            "multipleOf no longer divides the released one",
            root -> property(root, "amount").put("multipleOf", 20),
            "/properties/amount: multipleOf changed from 10 to 20"),
        breaking(
            "a minLength is raised",
            root -> property(root, "code").put("minLength", 2),
            "/properties/code: minLength made stricter, from 1 to 2"),
        breaking(
            "a maxLength is lowered",
            root -> property(root, "code").put("maxLength", 10),
            "/properties/code: maxLength made stricter, from 20 to 10"),
        breaking(
            "a maxLength is added",
            root -> property(root, "note").put("maxLength", 500),
            "/properties/note: maxLength 500 added"),
        breaking(
            "a pattern changes",
            root -> property(root, "code").put("pattern", "^[a-z]{2,}$"),
            "/properties/code: pattern changed"),
        breaking(
            "a pattern is added",
            root -> property(root, "note").put("pattern", "^[a-z_]+$"),
            "/properties/note: pattern \"^[a-z_]+$\" added"),
        breaking(
            "minItems is raised",
            root -> property(root, "lines").put("minItems", 2),
            "/properties/lines: minItems made stricter, from 1 to 2"),
        breaking(
            "items must be unique",
            root -> property(root, "lines").put("uniqueItems", true),
            "/properties/lines: uniqueItems added"),
        breaking(
            "a constraint behind a $ref gets stricter",
            root -> ((ObjectNode) root.at("/$defs/Line/properties/qty")).put("minimum", 2),
            "/properties/lines/items/properties/qty: minimum made stricter, from 1 to 2"),
        breaking(
            "additional properties are forbidden",
            root -> root.put("additionalProperties", false),
            "/: additionalProperties set to false"),
        breaking(
            "a keyword the check cannot compare is used",
            root -> property(root, "note").set("oneOf", node("[{\"maxLength\": 3}]")),
            "/properties/note: keyword 'oneOf' is not understood"),
        breaking(
            "a $ref points nowhere",
            root -> property(root, "lines").set("items", node("{\"$ref\": \"#/$defs/Missing\"}")),
            "/properties/lines/items: current schema has $ref #/$defs/Missing, which points"
                + " nowhere"));
  }

  @Test
  void a_removed_released_schema_is_breaking() {
    Map<String, JsonNode> released = Map.of("orders/Sample.v1", released());
    Map<String, JsonNode> current = Map.of("orders/Renamed", released());

    assertThat(SchemaCompatibility.breakingChanges(released, current))
        .containsExactly("orders/Sample.v1: released, but the current schema was removed");
  }

  @Test
  void each_released_version_is_compared_with_the_current_schema_of_its_name() {
    JsonNode v2 = changed(root -> properties(root).remove("note"));
    Map<String, JsonNode> released = Map.of("orders/Sample.v1", released(), "orders/Sample.v2", v2);
    Map<String, JsonNode> current = Map.of("orders/Sample", v2);

    assertThat(SchemaCompatibility.breakingChanges(released, current))
        .containsExactly("orders/Sample.v1 -> current /: property 'note' was removed");
  }

  @Test
  void a_released_file_without_a_version_is_reported() {
    Map<String, JsonNode> released = Map.of("orders/Sample", released());
    Map<String, JsonNode> current = Map.of("orders/Sample", released());

    assertThat(SchemaCompatibility.breakingChanges(released, current))
        .containsExactly("orders/Sample: not named <service>/<Name>.v<N>");
  }

  private static Arguments breaking(
      String description, Consumer<ObjectNode> change, String expected) {
    return Arguments.of(named(description, change), expected);
  }

  private static JsonNode released() {
    return node(RELEASED);
  }

  private static JsonNode changed(Consumer<ObjectNode> change) {
    ObjectNode schema = (ObjectNode) node(RELEASED);
    change.accept(schema);
    return schema;
  }

  private static ObjectNode properties(ObjectNode root) {
    return (ObjectNode) root.get("properties");
  }

  private static ObjectNode property(ObjectNode root, String name) {
    return (ObjectNode) properties(root).get(name);
  }

  private static ArrayNode required(ObjectNode root) {
    return (ArrayNode) root.get("required");
  }

  private static JsonNode node(String json) {
    try {
      return Schemas.JSON.readTree(json);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException(e);
    }
  }
}
