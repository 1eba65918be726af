package dev.tessera.contracts;

import com.fasterxml.jackson.core.JsonPointer;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Finds the changes from a released JSON Schema to the current one that would break the events
 * already on a topic or the consumers built against the released version. The rules are listed in
 * {@code contracts/README.md}.
 *
 * <p>It fails closed: a keyword it does not know how to compare is itself reported, because a
 * checker that skipped it could pass a breaking change.
 */
final class SchemaCompatibility {

  /** Keywords that describe but do not constrain; changing them breaks nothing. */
  private static final Set<String> ANNOTATIONS =
      Set.of(
          "$schema",
          "$id",
          "$comment",
          "$defs",
          "title",
          "description",
          "examples",
          "default",
          "deprecated",
          "readOnly",
          "writeOnly");

  private static final Set<String> COMPARED =
      Set.of(
          "$ref",
          "type",
          "format",
          "enum",
          "const",
          "required",
          "properties",
          "additionalProperties",
          "items",
          "pattern",
          "multipleOf",
          "uniqueItems",
          "minimum",
          "exclusiveMinimum",
          "minLength",
          "minItems",
          "minProperties",
          "maximum",
          "exclusiveMaximum",
          "maxLength",
          "maxItems",
          "maxProperties");

  /** Raising one of these makes the schema stricter. */
  private static final List<String> LOWER_BOUNDS =
      List.of("minimum", "exclusiveMinimum", "minLength", "minItems", "minProperties");

  /** Lowering one of these makes the schema stricter. */
  private static final List<String> UPPER_BOUNDS =
      List.of("maximum", "exclusiveMaximum", "maxLength", "maxItems", "maxProperties");

  /** Guards against a recursive {@code $ref}, which our schemas do not use. */
  private static final int MAX_DEPTH = 32;

  private static final Pattern RELEASED_NAME = Pattern.compile("(.+)\\.v([1-9][0-9]*)");

  private final JsonNode releasedRoot;
  private final JsonNode currentRoot;
  private final Set<String> problems = new LinkedHashSet<>();

  private SchemaCompatibility(JsonNode releasedRoot, JsonNode currentRoot) {
    this.releasedRoot = releasedRoot;
    this.currentRoot = currentRoot;
  }

  /**
   * The breaking changes across a whole set of schemas.
   *
   * @param released released schemas by {@code service/Name.vN}
   * @param current current schemas by {@code service/Name}
   * @return one line per problem, each starting with the released schema's name; empty if the
   *     current set is compatible with every released version
   */
  static List<String> breakingChanges(
      Map<String, JsonNode> released, Map<String, JsonNode> current) {
    List<String> problems = new ArrayList<>();
    for (String releasedName : new TreeSet<>(released.keySet())) {
      Matcher name = RELEASED_NAME.matcher(releasedName);
      if (!name.matches()) {
        problems.add(releasedName + ": not named <service>/<Name>.v<N>");
        continue;
      }
      JsonNode now = current.get(name.group(1));
      if (now == null) {
        problems.add(releasedName + ": released, but the current schema was removed");
        continue;
      }
      for (String problem : breakingChanges(released.get(releasedName), now)) {
        problems.add(releasedName + " -> current " + problem);
      }
    }
    return problems;
  }

  /**
   * The breaking changes from one released schema to the current one.
   *
   * @return one line per problem, each starting with the JSON pointer of the place in the schema
   */
  static List<String> breakingChanges(JsonNode released, JsonNode current) {
    SchemaCompatibility check = new SchemaCompatibility(released, current);
    check.compare("", released, current, 0);
    return List.copyOf(check.problems);
  }

  private void compare(String path, JsonNode before, JsonNode after, int depth) {
    if (depth > MAX_DEPTH) {
      report(path, "nested deeper than " + MAX_DEPTH + " levels (a recursive $ref?)");
      return;
    }
    before = resolve(path, normalise(before), releasedRoot, "released");
    after = resolve(path, normalise(after), currentRoot, "current");
    if (before == null || after == null) {
      return;
    }
    reportUnknownKeywords(path, before);
    reportUnknownKeywords(path, after);

    compareTypes(path, before, after);
    compareFormats(path, before, after);
    compareEnums(path, before, after);
    compareBounds(path, before, after);
    comparePatterns(path, before, after);
    compareMultipleOf(path, before, after);
    if (after.path("uniqueItems").asBoolean(false)
        && !before.path("uniqueItems").asBoolean(false)) {
      report(path, "uniqueItems added");
    }
    compareRequired(path, before, after);
    compareProperties(path, before, after, depth);
    compareAdditionalProperties(path, before, after, depth);
    if (before.has("items") || after.has("items")) {
      compare(path + "/items", before.get("items"), after.get("items"), depth + 1);
    }
  }

  private void compareTypes(String path, JsonNode before, JsonNode after) {
    Set<String> was = types(before);
    Set<String> is = types(after);
    if (!was.equals(is)) {
      report(path, "type changed from " + describe(was) + " to " + describe(is));
    }
  }

  private void compareFormats(String path, JsonNode before, JsonNode after) {
    String was = before.path("format").asText("(none)");
    String is = after.path("format").asText("(none)");
    if (!was.equals(is)) {
      report(path, "format changed from " + was + " to " + is);
    }
  }

  private void compareEnums(String path, JsonNode before, JsonNode after) {
    Set<JsonNode> is = allowedValues(after);
    if (is == null) {
      return;
    }
    Set<JsonNode> was = allowedValues(before);
    if (was == null) {
      report(path, "values now restricted to " + is);
      return;
    }
    Set<JsonNode> lost = new LinkedHashSet<>(was);
    lost.removeAll(is);
    if (!lost.isEmpty()) {
      report(path, "enum lost values " + lost);
    }
  }

  private void compareBounds(String path, JsonNode before, JsonNode after) {
    for (String keyword : LOWER_BOUNDS) {
      compareBound(path, keyword, before.get(keyword), after.get(keyword), 1);
    }
    for (String keyword : UPPER_BOUNDS) {
      compareBound(path, keyword, before.get(keyword), after.get(keyword), -1);
    }
  }

  /**
   * {@code stricter} is the sign of {@code after - before} that narrows what the schema accepts.
   */
  private void compareBound(
      String path, String keyword, JsonNode before, JsonNode after, int stricter) {
    if (after == null) {
      return;
    }
    if (before == null) {
      report(path, keyword + " " + after + " added");
    } else if (after.decimalValue().compareTo(before.decimalValue()) == stricter) {
      report(path, keyword + " made stricter, from " + before + " to " + after);
    }
  }

  private void comparePatterns(String path, JsonNode before, JsonNode after) {
    if (!after.has("pattern")) {
      return;
    }
    if (!before.has("pattern")) {
      report(path, "pattern " + after.get("pattern") + " added");
    } else if (!before.get("pattern").equals(after.get("pattern"))) {
      // Whether one regular expression accepts all that another does is not decidable in
      // general, so any change other than removal counts as stricter.
      report(path, "pattern changed from " + before.get("pattern") + " to " + after.get("pattern"));
    }
  }

  private void compareMultipleOf(String path, JsonNode before, JsonNode after) {
    if (!after.has("multipleOf")) {
      return;
    }
    if (!before.has("multipleOf")) {
      report(path, "multipleOf " + after.get("multipleOf") + " added");
      return;
    }
    BigDecimal was = before.get("multipleOf").decimalValue();
    BigDecimal is = after.get("multipleOf").decimalValue();
    // Every multiple of the old step stays valid only if the new step divides the old one.
    if (was.remainder(is).signum() != 0) {
      report(path, "multipleOf changed from " + was + " to " + is);
    }
  }

  private void compareRequired(String path, JsonNode before, JsonNode after) {
    Set<String> was = strings(before.get("required"));
    Set<String> is = strings(after.get("required"));
    for (String name : was) {
      if (!is.contains(name)) {
        report(path, "property '" + name + "' is no longer required");
      }
    }
    for (String name : is) {
      if (!was.contains(name)) {
        report(path, "property '" + name + "' became required");
      }
    }
  }

  private void compareProperties(String path, JsonNode before, JsonNode after, int depth) {
    JsonNode was = before.path("properties");
    JsonNode is = after.path("properties");
    for (Iterator<String> names = was.fieldNames(); names.hasNext(); ) {
      String name = names.next();
      if (!is.has(name)) {
        report(path, "property '" + name + "' was removed");
      } else {
        compare(path + "/properties/" + name, was.get(name), is.get(name), depth + 1);
      }
    }
    JsonNode releasedAdditional = before.get("additionalProperties");
    if (releasedAdditional == null || !releasedAdditional.isObject()) {
      return;
    }
    // A new property used to fall under the released additionalProperties schema: values valid
    // there must stay valid.
    for (Iterator<String> names = is.fieldNames(); names.hasNext(); ) {
      String name = names.next();
      if (!was.has(name)) {
        compare(path + "/properties/" + name, releasedAdditional, is.get(name), depth + 1);
      }
    }
  }

  private void compareAdditionalProperties(
      String path, JsonNode before, JsonNode after, int depth) {
    JsonNode was = before.get("additionalProperties");
    JsonNode is = after.get("additionalProperties");
    if (is == null || is.equals(JsonNodeFactory.instance.booleanNode(true))) {
      return;
    }
    boolean wasClosed = was != null && was.isBoolean() && !was.booleanValue();
    if (wasClosed) {
      return;
    }
    if (is.isBoolean()) {
      report(path, "additionalProperties set to false: events with extra properties now fail");
    } else {
      compare(path + "/additionalProperties", was, is, depth + 1);
    }
  }

  /** Boolean schemas and absent subschemas as objects: {@code true} and absent accept anything. */
  private static JsonNode normalise(JsonNode schema) {
    if (schema == null || (schema.isBoolean() && schema.booleanValue())) {
      return JsonNodeFactory.instance.objectNode();
    }
    if (schema.isBoolean()) {
      ObjectNode nothing = JsonNodeFactory.instance.objectNode();
      nothing.putObject("not");
      return nothing;
    }
    return schema;
  }

  /** Follows local {@code $ref}s; annotations next to a {@code $ref} are allowed, nothing else. */
  private JsonNode resolve(String path, JsonNode schema, JsonNode root, String which) {
    for (int hops = 0; schema.has("$ref"); hops++) {
      String ref = schema.get("$ref").asText();
      for (Iterator<String> names = schema.fieldNames(); names.hasNext(); ) {
        String name = names.next();
        if (!name.equals("$ref") && !ANNOTATIONS.contains(name)) {
          report(path, which + " schema has '" + name + "' next to $ref, which is not compared");
        }
      }
      if (!ref.startsWith("#") || hops > MAX_DEPTH) {
        report(path, which + " schema has $ref " + ref + ", which is not a local reference");
        return null;
      }
      JsonNode target = root.at(JsonPointer.compile(ref.substring(1)));
      if (target.isMissingNode()) {
        report(path, which + " schema has $ref " + ref + ", which points nowhere");
        return null;
      }
      schema = normalise(target);
    }
    return schema;
  }

  private void reportUnknownKeywords(String path, JsonNode schema) {
    for (Iterator<String> names = schema.fieldNames(); names.hasNext(); ) {
      String name = names.next();
      if (!ANNOTATIONS.contains(name) && !COMPARED.contains(name)) {
        report(path, "keyword '" + name + "' is not understood by the compatibility check");
      }
    }
  }

  private void report(String path, String problem) {
    problems.add((path.isEmpty() ? "/" : path) + ": " + problem);
  }

  private static Set<String> types(JsonNode schema) {
    JsonNode type = schema.get("type");
    if (type == null) {
      return Set.of();
    }
    return type.isArray() ? strings(type) : Set.of(type.asText());
  }

  private static String describe(Set<String> types) {
    return types.isEmpty() ? "any" : String.join("|", new TreeSet<>(types));
  }

  /** The values {@code enum} or {@code const} allows, or null if neither restricts them. */
  private static Set<JsonNode> allowedValues(JsonNode schema) {
    Set<JsonNode> values = null;
    if (schema.has("enum")) {
      values = new LinkedHashSet<>();
      schema.get("enum").forEach(values::add);
    }
    if (schema.has("const")) {
      Set<JsonNode> constant = Set.of(schema.get("const"));
      if (values == null) {
        values = new LinkedHashSet<>(constant);
      } else {
        values.retainAll(constant);
      }
    }
    return values;
  }

  private static Set<String> strings(JsonNode array) {
    Set<String> values = new LinkedHashSet<>();
    if (array != null) {
      array.forEach(value -> values.add(value.asText()));
    }
    return values;
  }
}
