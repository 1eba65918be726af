package dev.tessera.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import com.marcnuri.helm.Helm;
import com.marcnuri.helm.LintResult;
import com.marcnuri.helm.TemplateCommand;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;

/** Renders and lints the chart through helm-java (Helm as a native library, no helm binary). */
final class Chart {

  static final String RELEASE = "tessera";
  static final String NAMESPACE = "tessera";

  static final YAMLMapper YAML = new YAMLMapper(new YAMLFactory());
  static final ObjectMapper JSON = new ObjectMapper();

  private static final Map<String, List<ObjectNode>> RENDERED = new ConcurrentHashMap<>();

  private Chart() {}

  /**
   * The manifests rendered with the chart's defaults plus one values file (null: defaults only).
   */
  static String template(Path valuesFile, Map<String, Object> sets) {
    TemplateCommand template =
        new Helm(renderable()).template().withName(RELEASE).withNamespace(NAMESPACE);
    if (valuesFile != null) {
      template = template.withValuesFile(valuesFile);
    }
    for (Map.Entry<String, Object> set : sets.entrySet()) {
      template = template.set(set.getKey(), set.getValue());
    }
    return template.call();
  }

  /**
   * Every object rendered with one values file, hooks included (cached; null means the defaults).
   */
  static List<ObjectNode> objects(Path valuesFile) {
    return objects(valuesFile, Map.of());
  }

  /** Every object rendered with one values file and some --set values, hooks included (cached). */
  static List<ObjectNode> objects(Path valuesFile, Map<String, Object> sets) {
    String key = (valuesFile == null ? "<defaults>" : valuesFile.toString()) + new TreeMap<>(sets);
    return RENDERED.computeIfAbsent(
        key,
        k -> {
          List<ObjectNode> objects = new ArrayList<>(parse(template(valuesFile, sets)));
          objects.addAll(hooks(valuesFile, sets));
          return List.copyOf(objects);
        });
  }

  /** Every object rendered for one platform of the version matrix (with the values it needs). */
  static List<ObjectNode> objects(Path valuesFile, Platform platform) {
    return objects(valuesFile, platform.values());
  }

  private static final String HOOK = "helm.sh/hook";
  private static final String HOOK_STAND_IN = "tessera.dev/rendered-hook";

  /**
   * The hooks (the `helm test` pod). helm-java's template prints only the release manifest, so the
   * hooks are rendered from a copy of the chart whose hook annotation is renamed, then named back.
   */
  static List<ObjectNode> hooks(Path valuesFile, Map<String, Object> sets) {
    Path copy = copyOfChart();
    try (Stream<Path> files = Files.walk(copy.resolve("templates"))) {
      for (Path file : files.filter(Files::isRegularFile).toList()) {
        String text = Files.readString(file);
        if (text.contains(HOOK + ":")) {
          Files.writeString(file, text.replace(HOOK + ":", HOOK_STAND_IN + ":"));
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    TemplateCommand template = new Helm(copy).template().withName(RELEASE).withNamespace(NAMESPACE);
    if (valuesFile != null) {
      template = template.withValuesFile(valuesFile);
    }
    for (Map.Entry<String, Object> set : sets.entrySet()) {
      template = template.set(set.getKey(), set.getValue());
    }
    List<ObjectNode> hooks = new ArrayList<>();
    for (ObjectNode object : parse(template.call())) {
      JsonNode annotations = object.path("metadata").path("annotations");
      if (annotations.has(HOOK_STAND_IN)) {
        ObjectNode a = (ObjectNode) annotations;
        a.set(HOOK, a.remove(HOOK_STAND_IN));
        hooks.add(object);
      }
    }
    return hooks;
  }

  /** The value files every render test runs with: the defaults and each ci/ file. */
  static List<Path> valueSets() {
    List<Path> sets = new ArrayList<>();
    sets.add(null);
    sets.addAll(Repo.ciValuesFiles());
    return sets;
  }

  /** Splits a multi-document YAML stream into its objects (empty documents dropped). */
  static List<ObjectNode> parse(String manifests) {
    try {
      List<ObjectNode> objects = new ArrayList<>();
      try (var parser = YAML.getFactory().createParser(manifests)) {
        var it = YAML.readValues(parser, JsonNode.class);
        while (it.hasNext()) {
          JsonNode node = it.next();
          if (node != null && node.isObject() && !node.isEmpty()) {
            objects.add((ObjectNode) node);
          }
        }
      }
      return objects;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** helm lint --strict with the chart's own values, or with a values file merged over them. */
  static LintResult lintStrict(Path valuesFile) {
    if (valuesFile == null) {
      return new Helm(renderable()).lint().strict().call();
    }
    // helm-java's lint takes no values file: lint a copy whose values.yaml holds the merged values,
    // which is what `helm lint --strict -f <file>` checks.
    Path copy = copyOfChart();
    try {
      JsonNode defaults = YAML.readTree(copy.resolve("values.yaml").toFile());
      JsonNode overrides = YAML.readTree(valuesFile.toFile());
      YAML.writeValue(copy.resolve("values.yaml").toFile(), merge(defaults, overrides));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return new Helm(copy).lint().strict().call();
  }

  /** Deep merge as Helm does: maps merge key by key, anything else is replaced. */
  static JsonNode merge(JsonNode base, JsonNode override) {
    if (override == null || override.isNull() || override.isMissingNode()) {
      return base;
    }
    if (base instanceof ObjectNode b && override.isObject()) {
      ObjectNode result = b.deepCopy();
      override
          .fields()
          .forEachRemaining(
              e -> result.set(e.getKey(), merge(result.get(e.getKey()), e.getValue())));
      return result;
    }
    return override.deepCopy();
  }

  private static Path renderable;

  /**
   * The chart as helm-java can render it: a copy without Chart.yaml's kubeVersion. helm-java's
   * built-in capabilities say Kubernetes v1.20.0 (its build lacks Helm's version flags) and it has
   * no --kube-version, so the constraint would refuse every render; SupportedVersionsTest checks
   * the constraint itself, and a helm binary renders the real chart (its default is its client-go
   * version, or --kube-version).
   */
  static synchronized Path renderable() {
    if (renderable == null) {
      renderable = copyOfChart();
    }
    return renderable;
  }

  private static Path copyOfChart() {
    try {
      Path target = Files.createTempDirectory("tessera-chart").resolve("tessera");
      try (Stream<Path> files = Files.walk(Repo.chart())) {
        for (Path source : files.sorted(Comparator.naturalOrder()).toList()) {
          Path dest = target.resolve(Repo.chart().relativize(source).toString());
          if (Files.isDirectory(source)) {
            Files.createDirectories(dest);
          } else {
            Files.copy(source, dest);
          }
        }
      }
      Path chartYaml = target.resolve("Chart.yaml");
      String text = Files.readString(chartYaml);
      if (!text.contains("\nkubeVersion: ")) {
        throw new IllegalStateException("Chart.yaml has no kubeVersion line to set aside");
      }
      Files.writeString(chartYaml, text.replaceFirst("\nkubeVersion: [^\n]*", ""));
      return target;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Objects of one kind. */
  static List<ObjectNode> ofKind(List<ObjectNode> objects, String kind) {
    return objects.stream().filter(o -> kind.equals(o.path("kind").asText())).toList();
  }

  /** The object of one kind and name, if rendered. */
  static Optional<ObjectNode> find(List<ObjectNode> objects, String kind, String name) {
    return ofKind(objects, kind).stream().filter(o -> name.equals(name(o))).findFirst();
  }

  static String name(JsonNode object) {
    return object.path("metadata").path("name").asText();
  }

  /** apiVersion/kind of an object. */
  static String typeKey(JsonNode object) {
    return object.path("apiVersion").asText() + "/" + object.path("kind").asText();
  }

  /** A readable id for messages: Kind/name. */
  static String id(JsonNode object) {
    return object.path("kind").asText() + "/" + name(object);
  }

  /** The name of an app's resources in a release named {@value #RELEASE}. */
  static String component(String app) {
    return RELEASE + "-" + app;
  }

  /** A label of a name for a values file in test names. */
  static String label(Path valuesFile) {
    return valuesFile == null ? "default values" : "ci/" + valuesFile.getFileName();
  }
}
