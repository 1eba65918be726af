package dev.tessera.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** values.yaml documents every key and holds no secret; the schema closes every object. */
class ValuesFileTest {

  private static final Pattern KEY = Pattern.compile("^(\\s*)([A-Za-z][A-Za-z0-9_.-]*):.*$");

  @Test
  void every_key_in_values_yaml_has_a_comment_above_it() {
    List<String> lines = Repo.read(Repo.chart().resolve("values.yaml")).lines().toList();
    List<String> undocumented = new ArrayList<>();
    for (int i = 0; i < lines.size(); i++) {
      var m = KEY.matcher(lines.get(i));
      if (m.matches() && (i == 0 || !lines.get(i - 1).trim().startsWith("#"))) {
        undocumented.add((i + 1) + ": " + lines.get(i).trim());
      }
    }
    assertThat(undocumented).isEmpty();
  }

  @Test
  void values_yaml_holds_no_secret_value() throws Exception {
    JsonNode values = Chart.YAML.readTree(Repo.chart().resolve("values.yaml").toFile());
    List<String> secrets = new ArrayList<>();
    walk(values, "", secrets);
    assertThat(secrets).isEmpty();
  }

  @Test
  void the_schema_closes_every_object_it_describes() throws Exception {
    JsonNode schema = Chart.JSON.readTree(Repo.chart().resolve("values.schema.json").toFile());
    List<String> open = new ArrayList<>();
    closed(schema, "", open);
    assertThat(open).isEmpty();
  }

  @Test
  void the_schema_names_no_domain_service() {
    // Every app but the gateway meets #/definitions/domainService: a new service is one more
    // apps.<name> block in values.yaml, with no schema edit (ChartRenderTest renders one).
    String schema = Repo.read(Repo.chart().resolve("values.schema.json"));
    assertThat(Repo.SERVICES).isNotEmpty().noneMatch(name -> schema.contains("\"" + name + "\""));
  }

  private static void walk(JsonNode node, String path, List<String> secrets) {
    node.fields()
        .forEachRemaining(
            e -> {
              String p = path + "." + e.getKey();
              if (e.getValue().isContainerNode()) {
                walk(e.getValue(), p, secrets);
              } else if (e.getKey().matches("(?i).*(password|token|privatekey|apikey).*")
                  && !e.getValue().asText().isEmpty()) {
                secrets.add(p);
              }
            });
  }

  /**
   * An object with properties is closed by additionalProperties: false, or by a schema every other
   * key must meet ({@code apps}: each domain service against #/definitions/domainService), itself
   * closed: a $ref to a definition (each checked below) or an object schema checked here.
   */
  private static void closed(JsonNode schema, String path, List<String> open) {
    if (schema.has("properties")) {
      JsonNode additional = schema.path("additionalProperties");
      boolean closedByFalse = additional.isBoolean() && !additional.asBoolean();
      boolean closedByDefinition = additional.path("$ref").asText().startsWith("#/definitions/");
      if (additional.isObject() && additional.has("properties")) {
        closed(additional, path + ".*", open);
      } else if (!closedByFalse && !closedByDefinition) {
        open.add(path.isEmpty() ? "<root>" : path);
      }
      schema
          .path("properties")
          .fields()
          .forEachRemaining(e -> closed(e.getValue(), path + "." + e.getKey(), open));
    }
    if (schema.has("definitions")) {
      schema
          .path("definitions")
          .fields()
          .forEachRemaining(e -> closed(e.getValue(), "#" + e.getKey(), open));
    }
  }
}
