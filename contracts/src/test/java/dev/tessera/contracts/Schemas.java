package dev.tessera.contracts;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SchemaLocation;
import com.networknt.schema.SchemaValidatorsConfig;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

/** Loads this module's current and released JSON Schemas and validates JSON against them. */
final class Schemas {

  static final String META_SCHEMA = "https://json-schema.org/draft/2020-12/schema";

  /**
   * Plain Jackson, so that reading schemas and examples does not depend on the codec under test.
   */
  static final ObjectMapper JSON = JsonMapper.builder().build();

  // 2020-12 treats format as an annotation by default; uuid and date-time must be checked.
  private static final SchemaValidatorsConfig CONFIG =
      SchemaValidatorsConfig.builder().formatAssertionsEnabled(true).build();

  private Schemas() {}

  // Listed from the sources, not from target/: a deleted or renamed schema stays behind in
  // target/classes until a clean build, and would hide exactly the removal the tests look for.
  private static final Path MODULE = Path.of(System.getProperty("basedir", "")).toAbsolutePath();

  /** Current schemas, by {@code service/Name}. */
  static Map<String, JsonNode> current() {
    return load(MODULE.resolve("src/main/resources/schemas"));
  }

  /** Released schemas, by {@code service/Name.vN}. */
  static Map<String, JsonNode> released() {
    return load(MODULE.resolve("src/test/resources/released"));
  }

  /** The current schema of one event type, found the way a consumer would: by its resource path. */
  static JsonNode of(EventType<?> type) {
    try (InputStream in =
        EventType.class.getClassLoader().getResourceAsStream(type.schemaResource())) {
      if (in == null) {
        throw new IllegalStateException("No schema resource " + type.schemaResource());
      }
      return JSON.readTree(in);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Errors of {@code instance} against {@code schema}, formats asserted; empty when valid. */
  static List<String> errors(JsonNode schema, JsonNode instance) {
    return messages(
        JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V202012)
            .getSchema(schema, CONFIG)
            .validate(instance));
  }

  /** Errors of {@code schema} against the draft 2020-12 meta-schema; empty when valid. */
  static List<String> metaSchemaErrors(JsonNode schema) {
    return messages(
        JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V202012)
            .getSchema(SchemaLocation.of(META_SCHEMA), CONFIG)
            .validate(schema));
  }

  /**
   * Fields of {@code instance} that {@code schema} does not declare. Our schemas leave extra
   * properties open for tolerant readers, so validation alone would not notice a record field that
   * the schema forgot.
   */
  static List<String> undeclaredFields(JsonNode schema, JsonNode instance) {
    List<String> undeclared = new ArrayList<>();
    collectUndeclared(schema, schema, instance, "", undeclared);
    return undeclared;
  }

  private static void collectUndeclared(
      JsonNode root, JsonNode schema, JsonNode instance, String path, List<String> undeclared) {
    while (schema.has("$ref")) {
      schema = root.at(schema.get("$ref").asText().substring(1));
    }
    if (instance.isObject()) {
      for (Map.Entry<String, JsonNode> field : instance.properties()) {
        JsonNode declared = schema.path("properties").get(field.getKey());
        if (declared == null) {
          undeclared.add(path + "/" + field.getKey());
        } else {
          collectUndeclared(
              root, declared, field.getValue(), path + "/" + field.getKey(), undeclared);
        }
      }
    } else if (instance.isArray()) {
      for (int i = 0; i < instance.size(); i++) {
        collectUndeclared(root, schema.path("items"), instance.get(i), path + "/" + i, undeclared);
      }
    }
  }

  /** The directory a class was loaded from: target/classes or target/test-classes. */
  static Path classpathRoot(Class<?> type) {
    try {
      return Path.of(type.getProtectionDomain().getCodeSource().getLocation().toURI());
    } catch (URISyntaxException e) {
      throw new IllegalStateException(e);
    }
  }

  private static Map<String, JsonNode> load(Path directory) {
    Map<String, JsonNode> schemas = new TreeMap<>();
    try (Stream<Path> files = Files.walk(directory)) {
      for (Path file : (Iterable<Path>) files.filter(Files::isRegularFile)::iterator) {
        String name = directory.relativize(file).toString().replace('\\', '/');
        if (!name.endsWith(".json")) {
          throw new IllegalStateException("Not a JSON Schema: " + file);
        }
        schemas.put(
            name.substring(0, name.length() - ".json".length()), JSON.readTree(file.toFile()));
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return schemas;
  }

  private static List<String> messages(Iterable<ValidationMessage> messages) {
    List<String> errors = new ArrayList<>();
    messages.forEach(message -> errors.add(message.getMessage()));
    return errors;
  }
}
