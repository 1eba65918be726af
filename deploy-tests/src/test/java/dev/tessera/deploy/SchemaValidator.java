package dev.tessera.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Validates a rendered object against the published schema of its kind on one {@link Platform}, as
 * the API server does with strict field validation ({@code kubectl apply}'s default since 1.27):
 *
 * <ul>
 *   <li>built-in kinds against swagger.json's definitions, with the enum values of enums.json;
 *   <li>custom kinds against the served version of their CRD's openAPIV3Schema, after applying its
 *       defaults, with its {@code x-kubernetes-validations} CEL rules evaluated ({@link CelRules});
 *   <li>an unknown field fails wherever the schema does not keep it (a closed object, or a CRD
 *       object without {@code x-kubernetes-preserve-unknown-fields}, which the server would prune);
 *   <li>the object names and labels apimachinery's Go validation accepts.
 * </ul>
 *
 * <p>A JSON Schema library does not fit here: structural schemas differ from JSON Schema (fields
 * absent from a CRD object are pruned, not allowed; int-or-string, embedded resources, list types)
 * and the CEL rules need the value at each node, so this walks schema and object together.
 */
final class SchemaValidator {

  private static final String OBJECT_META = "io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta";
  private static final String INT_OR_STRING = "io.k8s.apimachinery.pkg.util.intstr.IntOrString";
  private static final String QUANTITY = "io.k8s.apimachinery.pkg.api.resource.Quantity";
  // apimachinery/pkg/api/resource/quantity.go: a signed decimal number and a suffix.
  private static final Pattern QUANTITY_SYNTAX =
      Pattern.compile(
          "^[+-]?([0-9]+(\\.[0-9]*)?|\\.[0-9]+)(([KMGTPE]i)|[numkMGTPE]|[eE][+-]?[0-9]+)?$");
  // apimachinery/pkg/util/validation: IsDNS1123Subdomain, IsDNS1035Label, IsValidLabelValue.
  private static final Pattern DNS1123_SUBDOMAIN =
      Pattern.compile("^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$");
  private static final Pattern DNS1035_LABEL = Pattern.compile("^[a-z]([-a-z0-9]*[a-z0-9])?$");
  private static final Pattern LABEL_VALUE =
      Pattern.compile("^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$");
  private static final Pattern LABEL_NAME =
      Pattern.compile(
          "^([a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*/)?"
              + "[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$");

  private final ApiSchemas api;
  private final List<String> problems = new ArrayList<>();
  private String where;

  private SchemaValidator(ApiSchemas api) {
    this.api = api;
  }

  /** Every problem with the objects on one platform; empty when the API server would take all. */
  static List<String> problems(Platform platform, Collection<? extends JsonNode> objects) {
    List<String> all = new ArrayList<>();
    objects.forEach(o -> all.addAll(problems(platform, o)));
    return all;
  }

  /** Every problem with one object on one platform. */
  static List<String> problems(Platform platform, JsonNode object) {
    SchemaValidator validator = new SchemaValidator(ApiSchemas.of(platform));
    validator.validate(object.deepCopy());
    return validator.problems;
  }

  private void validate(JsonNode object) {
    String apiVersion = object.path("apiVersion").asText();
    String kind = object.path("kind").asText();
    String key = apiVersion + "/" + kind;
    where = kind + "/" + object.path("metadata").path("name").asText();
    checkMetadata(kind, object.path("metadata"));
    Optional<String> builtIn = api.builtInDefinition(key);
    if (builtIn.isPresent()) {
      definition(object, builtIn.get(), "", false);
      return;
    }
    Optional<ApiSchemas.CrdVersion> crd = api.crd(key);
    if (crd.isEmpty()) {
      String group = apiVersion.contains("/") ? apiVersion.replaceFirst("/.*", "") : "";
      List<String> served = api.servedVersions(group, kind);
      problem(
          "",
          served.isEmpty()
              ? "no schema for " + key + " on " + api.platform.name()
              : key + " is not a version this platform serves; it serves " + served);
      return;
    }
    if (!crd.get().served()) {
      problem("", key + " is defined but not served by " + crd.get().source());
      return;
    }
    ObjectNode root = (ObjectNode) object;
    JsonNode schema = crd.get().schema();
    // The server validates metadata itself (ObjectMeta), whatever the CRD says about it.
    definition(root.path("metadata"), OBJECT_META, ".metadata", false);
    ObjectNode rest = root.deepCopy();
    rest.remove("metadata");
    ObjectNode restSchema = schema.deepCopy();
    ((ObjectNode) restSchema.path("properties")).remove("metadata");
    if (restSchema.path("required").isArray()) {
      var required = restSchema.putArray("required");
      schema
          .path("required")
          .forEach(
              r -> {
                if (!r.asText().equals("metadata")) {
                  required.add(r);
                }
              });
    }
    if (!root.has("metadata")) {
      problem("", "required field metadata is missing");
    }
    node(rest, restSchema, "", true, false, null);
  }

  private void checkMetadata(String kind, JsonNode metadata) {
    String name = metadata.path("name").asText();
    if (name.isEmpty()) {
      problem(".metadata.name", "no name");
    } else if (kind.equals("Service")) {
      if (name.length() > 63 || !DNS1035_LABEL.matcher(name).matches()) {
        problem(".metadata.name", "not a DNS-1035 label (a Service name): " + name);
      }
    } else if (name.length() > 253 || !DNS1123_SUBDOMAIN.matcher(name).matches()) {
      problem(".metadata.name", "not a DNS-1123 subdomain: " + name);
    }
    metadata
        .path("labels")
        .fields()
        .forEachRemaining(
            l -> {
              String value = l.getValue().asText();
              if (!LABEL_NAME.matcher(l.getKey()).matches()
                  || l.getKey().replaceFirst("^.*/", "").length() > 63) {
                problem(".metadata.labels", "invalid label key " + l.getKey());
              }
              if (value.length() > 63 || !LABEL_VALUE.matcher(value).matches()) {
                problem(".metadata.labels." + l.getKey(), "invalid label value " + value);
              }
            });
  }

  /** A value against a swagger definition (built-in types). */
  private void definition(JsonNode value, String name, String path, boolean valueOnly) {
    if (value == null || value.isNull() || value.isMissingNode()) {
      return;
    }
    switch (name) {
      case INT_OR_STRING -> {
        if (!value.isIntegralNumber() && !value.isTextual()) {
          problem(path, "must be an integer or a string, is " + value.getNodeType());
        }
      }
      case QUANTITY -> {
        if (!value.isNumber() && !value.isTextual()) {
          problem(path, "must be a quantity, is " + value.getNodeType());
        } else if (!QUANTITY_SYNTAX.matcher(value.asText()).matches()) {
          problem(path, "not a quantity: " + value.asText());
        }
      }
      default -> node(value, api.definition(name), path, false, valueOnly, name);
    }
  }

  /**
   * A value against a schema node. {@code crd}: structural-schema rules apply (absent fields are
   * pruned, so unknown); {@code valueOnly}: inside allOf/anyOf/oneOf/not, which only constrain
   * values; {@code definitionName}: the swagger definition whose properties these are (its enums).
   */
  private void node(
      JsonNode value,
      JsonNode schema,
      String path,
      boolean crd,
      boolean valueOnly,
      String definitionName) {
    if (value == null || value.isNull() || value.isMissingNode()) {
      return; // omitted (a null is pruned by the server when the schema is not nullable)
    }
    if (schema.has("$ref")) {
      definition(
          value, schema.path("$ref").asText().replace("#/definitions/", ""), path, valueOnly);
      return;
    }
    if (schema.path("x-kubernetes-preserve-unknown-fields").asBoolean(false)
        && !schema.has("type")
        && !schema.has("properties")) {
      return; // anything goes (e.g. Kafka's config map)
    }
    if (!typeMatches(value, schema, path)) {
      return;
    }
    combinators(value, schema, path, crd);
    if (schema.has("enum")) {
      boolean found = false;
      for (JsonNode allowed : schema.path("enum")) {
        found |= allowed.equals(value) || allowed.asText().equals(value.asText());
      }
      if (!found) {
        problem(path, "must be one of " + schema.path("enum") + ", is " + value);
      }
    }
    if (value.isTextual()) {
      string(value.asText(), schema, path);
    }
    if (value.isNumber()) {
      number(value, schema, path);
    }
    if (value.isArray()) {
      array(value, schema, path, crd, valueOnly);
    }
    if (value.isObject()) {
      object((ObjectNode) value, schema, path, crd, valueOnly, definitionName);
    }
    if (crd && !valueOnly) {
      for (JsonNode validation : schema.path("x-kubernetes-validations")) {
        String rule = validation.path("rule").asText();
        if (CelRules.appliesOnCreate(rule)) {
          CelRules.violation(rule, value)
              .ifPresent(
                  v ->
                      problem(
                          path,
                          validation.path("message").asText("x-kubernetes-validations")
                              + " — "
                              + v));
        }
      }
    }
  }

  private boolean typeMatches(JsonNode value, JsonNode schema, String path) {
    if (schema.path("x-kubernetes-int-or-string").asBoolean(false)
        || "int-or-string".equals(schema.path("format").asText())) {
      if (!value.isIntegralNumber() && !value.isTextual()) {
        problem(path, "must be an integer or a string, is " + value.getNodeType());
        return false;
      }
      return true;
    }
    String type = schema.path("type").asText("");
    boolean ok =
        switch (type) {
          case "" -> true;
          case "object" -> value.isObject();
          case "array" -> value.isArray();
          case "string" -> value.isTextual();
          case "integer" -> value.isIntegralNumber();
          case "number" -> value.isNumber();
          case "boolean" -> value.isBoolean();
          default -> throw new IllegalStateException("schema type " + type + " at " + path);
        };
    if (!ok) {
      problem(path, "must be " + type + ", is " + value.getNodeType() + " " + value);
    }
    return ok;
  }

  private void combinators(JsonNode value, JsonNode schema, String path, boolean crd) {
    for (JsonNode sub : schema.path("allOf")) {
      for (String p : branch(value, sub, path, crd)) {
        problem(path, "allOf: " + p);
      }
    }
    if (schema.has("anyOf")) {
      List<String> all = new ArrayList<>();
      boolean any = false;
      for (JsonNode sub : schema.path("anyOf")) {
        List<String> p = branch(value, sub, path, crd);
        any |= p.isEmpty();
        all.addAll(p);
      }
      if (!any) {
        problem(path, "matches none of anyOf: " + all);
      }
    }
    if (schema.has("oneOf")) {
      int matching = 0;
      for (JsonNode sub : schema.path("oneOf")) {
        matching += branch(value, sub, path, crd).isEmpty() ? 1 : 0;
      }
      if (matching != 1) {
        problem(path, "must match exactly one of oneOf, matches " + matching);
      }
    }
    if (schema.has("not") && branch(value, schema.path("not"), path, crd).isEmpty()) {
      problem(path, "must not match " + schema.path("not"));
    }
  }

  /** The problems of a value against a value-only branch, without recording them. */
  private List<String> branch(JsonNode value, JsonNode sub, String path, boolean crd) {
    SchemaValidator nested = new SchemaValidator(api);
    nested.where = where;
    nested.node(value, sub, path, crd, true, null);
    return nested.problems;
  }

  private void string(String value, JsonNode schema, String path) {
    int length = value.codePointCount(0, value.length());
    if (schema.has("pattern")
        && !Pattern.compile(schema.path("pattern").asText()).matcher(value).find()) {
      problem(path, "does not match " + schema.path("pattern").asText() + ": " + value);
    }
    if (schema.has("maxLength") && length > schema.path("maxLength").asInt()) {
      problem(path, "longer than " + schema.path("maxLength").asInt() + ": " + value);
    }
    if (schema.has("minLength") && length < schema.path("minLength").asInt()) {
      problem(path, "shorter than " + schema.path("minLength").asInt() + ": " + value);
    }
  }

  private void number(JsonNode value, JsonNode schema, String path) {
    double v = value.asDouble();
    if (schema.has("minimum")) {
      double min = schema.path("minimum").asDouble();
      if (v < min || (schema.path("exclusiveMinimum").asBoolean(false) && v == min)) {
        problem(path, "below the minimum " + schema.path("minimum") + ": " + value);
      }
    }
    if (schema.has("maximum")) {
      double max = schema.path("maximum").asDouble();
      if (v > max || (schema.path("exclusiveMaximum").asBoolean(false) && v == max)) {
        problem(path, "above the maximum " + schema.path("maximum") + ": " + value);
      }
    }
    if ("int32".equals(schema.path("format").asText())
        && (v < Integer.MIN_VALUE || v > Integer.MAX_VALUE)) {
      problem(path, "not an int32: " + value);
    }
  }

  private void array(JsonNode value, JsonNode schema, String path, boolean crd, boolean valueOnly) {
    if (schema.has("maxItems") && value.size() > schema.path("maxItems").asInt()) {
      problem(path, "more than " + schema.path("maxItems") + " items");
    }
    if (schema.has("minItems") && value.size() < schema.path("minItems").asInt()) {
      problem(path, "fewer than " + schema.path("minItems") + " items");
    }
    String listType = schema.path("x-kubernetes-list-type").asText("");
    if (listType.equals("set") || schema.path("uniqueItems").asBoolean(false)) {
      Set<JsonNode> seen = new HashSet<>();
      value.forEach(
          item -> {
            if (!seen.add(item)) {
              problem(path, "duplicate item in a set: " + item);
            }
          });
    }
    if (listType.equals("map")) {
      Set<List<String>> seen = new HashSet<>();
      for (JsonNode item : value) {
        List<String> key = new ArrayList<>();
        schema
            .path("x-kubernetes-list-map-keys")
            .forEach(k -> key.add(item.path(k.asText()).asText()));
        if (!seen.add(key)) {
          problem(path, "duplicate key " + key + " in a list-map");
        }
      }
    }
    JsonNode items = schema.path("items");
    if (!items.isMissingNode()) {
      for (int i = 0; i < value.size(); i++) {
        node(value.get(i), items, path + "[" + i + "]", crd, valueOnly, null);
      }
    }
  }

  private void object(
      ObjectNode value,
      JsonNode schema,
      String path,
      boolean crd,
      boolean valueOnly,
      String definitionName) {
    JsonNode properties = schema.path("properties");
    if (crd && !valueOnly) {
      // The API server defaults before it validates (and before the CEL rules see the object).
      properties
          .fields()
          .forEachRemaining(
              p -> {
                if (p.getValue().has("default") && !value.has(p.getKey())) {
                  value.set(p.getKey(), p.getValue().path("default").deepCopy());
                }
              });
    }
    for (JsonNode required : schema.path("required")) {
      if (!value.hasNonNull(required.asText())) {
        problem(path, "required field " + required.asText() + " is missing");
      }
    }
    if (schema.has("maxProperties") && value.size() > schema.path("maxProperties").asInt()) {
      problem(path, "more than " + schema.path("maxProperties") + " properties");
    }
    if (schema.has("minProperties") && value.size() < schema.path("minProperties").asInt()) {
      problem(path, "fewer than " + schema.path("minProperties") + " properties");
    }
    JsonNode additional = schema.path("additionalProperties");
    boolean preserve = schema.path("x-kubernetes-preserve-unknown-fields").asBoolean(false);
    boolean embedded = schema.path("x-kubernetes-embedded-resource").asBoolean(false);
    // Built-in types: an object with no declared properties is free-form (RawExtension, …);
    // a CRD object without properties keeps nothing unless it says so.
    boolean open =
        preserve
            || (!crd && !schema.has("properties") && additional.isMissingNode())
            || additional.isBoolean() && additional.asBoolean();
    JsonNode enums = definitionName == null ? null : api.enums.path(definitionName);
    for (Iterator<Map.Entry<String, JsonNode>> it = value.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> field = it.next();
      String name = field.getKey();
      String at = path + "." + name;
      JsonNode property = properties.get(name);
      if (property != null) {
        if (enums != null && enums.has(name)) {
          enumValue(field.getValue(), enums.path(name), at);
        }
        node(field.getValue(), property, at, crd, valueOnly, null);
      } else if (additional.isObject()) {
        node(field.getValue(), additional, at, crd, valueOnly, null);
      } else if (embedded && Set.of("apiVersion", "kind", "metadata").contains(name)) {
        continue;
      } else if (!open && !valueOnly) {
        problem(at, "unknown field \"" + name + "\"");
      }
    }
  }

  private void enumValue(JsonNode value, JsonNode allowed, String path) {
    List<JsonNode> values = new ArrayList<>();
    if (value.isArray()) {
      value.forEach(values::add);
    } else {
      values.add(value);
    }
    for (JsonNode v : values) {
      boolean found = false;
      for (JsonNode a : allowed) {
        found |= a.asText().equals(v.asText());
      }
      if (!found && !v.isNull()) {
        problem(path, "must be one of " + allowed + ", is " + v);
      }
    }
  }

  private void problem(String path, String message) {
    problems.add(where + (path.isEmpty() ? "" : " " + path) + ": " + message);
  }
}
