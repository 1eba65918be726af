package dev.tessera.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;

/**
 * The published API schemas of one {@link Platform}: Kubernetes' OpenAPI (swagger.json, with the
 * enum values of enums.json) for the built-in kinds, and each operator's CRDs for theirs, read
 * unchanged from resources/k8s-schemas.
 */
final class ApiSchemas {

  /** One version of a CRD: its openAPIV3Schema, whether the API server serves it, its file. */
  record CrdVersion(String source, JsonNode schema, boolean served) {}

  private static final Map<Platform, ApiSchemas> CACHE = new ConcurrentHashMap<>();

  final Platform platform;

  /** swagger.json's definitions, by name (io.k8s.api.apps.v1.Deployment, …). */
  final JsonNode definitions;

  /** enums.json: definition name → field → the values the Go type allows. */
  final JsonNode enums;

  /** apiVersion/kind → the swagger definition of a built-in kind. */
  private final Map<String, String> builtIn = new HashMap<>();

  /** apiVersion/kind → one version of a CRD. */
  private final Map<String, CrdVersion> crds = new HashMap<>();

  private ApiSchemas(Platform platform) {
    this.platform = platform;
    Path k8s = folder(platform.kubernetesFolder());
    try {
      JsonNode swagger = Chart.JSON.readTree(k8s.resolve("swagger.json").toFile());
      this.definitions = swagger.path("definitions");
      this.enums = Chart.JSON.readTree(k8s.resolve("enums.json").toFile());
      definitions
          .fields()
          .forEachRemaining(
              d -> {
                for (JsonNode gvk : d.getValue().path("x-kubernetes-group-version-kind")) {
                  String group = gvk.path("group").asText();
                  String apiVersion =
                      (group.isEmpty() ? "" : group + "/") + gvk.path("version").asText();
                  // The first definition wins: the others are the same kind re-exported elsewhere.
                  builtIn.putIfAbsent(apiVersion + "/" + gvk.path("kind").asText(), d.getKey());
                }
              });
      for (String crdFolder : platform.crdFolders()) {
        try (Stream<Path> files = Files.list(folder(crdFolder))) {
          for (Path file : files.filter(f -> f.toString().endsWith(".yaml")).sorted().toList()) {
            readCrds(crdFolder + "/" + file.getFileName(), Repo.read(file));
          }
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static ApiSchemas of(Platform platform) {
    return CACHE.computeIfAbsent(platform, ApiSchemas::new);
  }

  private void readCrds(String source, String yaml) {
    for (JsonNode crd : Chart.parse(yaml)) {
      if (!"CustomResourceDefinition".equals(crd.path("kind").asText())) {
        continue;
      }
      String group = crd.path("spec").path("group").asText();
      String kind = crd.path("spec").path("names").path("kind").asText();
      for (JsonNode version : crd.path("spec").path("versions")) {
        crds.put(
            group + "/" + version.path("name").asText() + "/" + kind,
            new CrdVersion(
                source,
                version.path("schema").path("openAPIV3Schema"),
                version.path("served").asBoolean(false)));
      }
    }
  }

  /** The swagger definition of a built-in kind, if this is one. */
  Optional<String> builtInDefinition(String typeKey) {
    return Optional.ofNullable(builtIn.get(typeKey));
  }

  /** The CRD version for apiVersion/kind, if one of this platform's CRDs defines it. */
  Optional<CrdVersion> crd(String typeKey) {
    return Optional.ofNullable(crds.get(typeKey));
  }

  /** The versions of a custom kind this platform's CRDs serve (for messages). */
  List<String> servedVersions(String group, String kind) {
    TreeSet<String> served = new TreeSet<>();
    crds.forEach(
        (key, crd) -> {
          String[] parts = key.split("/");
          if (parts[0].equals(group) && parts[2].equals(kind) && crd.served()) {
            served.add(parts[1]);
          }
        });
    return List.copyOf(served);
  }

  /** A swagger definition by name. */
  JsonNode definition(String name) {
    JsonNode definition = definitions.get(name);
    if (definition == null) {
      throw new IllegalStateException("No definition " + name + " in " + platform);
    }
    return definition;
  }

  /** Every x-kubernetes-validations rule of this platform's CRDs (all versions), by source file. */
  List<Map.Entry<String, String>> celRules() {
    List<Map.Entry<String, String>> rules = new java.util.ArrayList<>();
    crds.forEach((key, crd) -> collectRules(crd.source(), crd.schema(), rules));
    return rules;
  }

  private static void collectRules(
      String source, JsonNode node, List<Map.Entry<String, String>> rules) {
    if (node.isObject()) {
      for (JsonNode validation : node.path("x-kubernetes-validations")) {
        rules.add(Map.entry(source, validation.path("rule").asText()));
      }
      node.fields()
          .forEachRemaining(
              e -> {
                if (!e.getKey().equals("x-kubernetes-validations")) {
                  collectRules(source, e.getValue(), rules);
                }
              });
    } else if (node.isArray()) {
      node.forEach(item -> collectRules(source, item, rules));
    }
  }

  /** Every kind this platform knows. */
  TreeSet<String> kinds() {
    TreeSet<String> kinds = new TreeSet<>(builtIn.keySet());
    kinds.addAll(crds.keySet());
    return kinds;
  }

  private static Path folder(String name) {
    var url = ApiSchemas.class.getClassLoader().getResource("k8s-schemas/" + name);
    if (url == null) {
      throw new IllegalStateException("No vendored schemas k8s-schemas/" + name);
    }
    try {
      return Path.of(url.toURI());
    } catch (URISyntaxException e) {
      throw new IllegalStateException(e);
    }
  }
}
