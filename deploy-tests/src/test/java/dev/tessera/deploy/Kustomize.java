package dev.tessera.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Generates k8s/ from the chart: the base is the chart rendered with its defaults, each overlay is
 * the JSON patches (RFC 6902) that turn the base into the chart rendered with the overlay's ci/
 * values file, plus deletions and additions. Generated, so the two cannot drift without a test
 * noticing.
 */
final class Kustomize {

  /** Overlay name → the ci/ values file it stands for. */
  static final Map<String, String> OVERLAYS =
      Map.of("dev", "dev-values.yaml", "prod", "prod-values.yaml");

  static final String HEADER =
      "# GENERATED from helm/tessera by deploy-tests (Kustomize.java); do not edit by hand.\n"
          + "# Regenerate: ./mvnw -B -pl deploy-tests -am verify -Dtest=KustomizeTest"
          + " -Dtessera.k8s.write=true -Dsurefire.failIfNoSpecifiedTests=false\n";

  private static final YAMLMapper READABLE =
      new YAMLMapper(
          YAMLFactory.builder()
              .enable(YAMLGenerator.Feature.MINIMIZE_QUOTES)
              .enable(YAMLGenerator.Feature.ALWAYS_QUOTE_NUMBERS_AS_STRINGS)
              .build());

  private Kustomize() {}

  static Path dir() {
    return Repo.root().resolve("k8s");
  }

  /**
   * The chart's release manifest (no hooks: `helm test` is the chart's business). The Redis
   * password is a Secret the user creates (with the name the chart would give it): a generated one
   * would put a password in the repository and differ on every render.
   */
  static String chartManifest(Path valuesFile) {
    return Chart.template(valuesFile, Map.of("redis.auth.existingSecret", REDIS_SECRET));
  }

  static final String REDIS_SECRET = Chart.component("redis");

  /** Every generated file, by path relative to k8s/. */
  static Map<String, String> generate() {
    Map<String, String> files = new LinkedHashMap<>();
    String base = chartManifest(null);
    files.put("base/tessera.yaml", HEADER + base);
    files.put(
        "base/kustomization.yaml",
        HEADER
            + "apiVersion: kustomize.config.k8s.io/v1beta1\n"
            + "kind: Kustomization\n"
            + "# The chart renders in-cluster addresses for namespace \""
            + Chart.NAMESPACE
            + "\": keep it.\n"
            + "namespace: "
            + Chart.NAMESPACE
            + "\n"
            + "# Create first (docs/deploy.md): the Secrets "
            + REDIS_SECRET
            + " (key redis-password) and tessera-identity-signing-key.\n"
            + "resources:\n"
            + "  - tessera.yaml\n");
    Map<String, ObjectNode> baseObjects = byId(Chart.parse(base));
    for (var overlay : new java.util.TreeMap<>(OVERLAYS).entrySet()) {
      Path values = Repo.chart().resolve("ci").resolve(overlay.getValue());
      Map<String, ObjectNode> target = byId(Chart.parse(chartManifest(values)));
      files.putAll(overlay(overlay.getKey(), overlay.getValue(), baseObjects, target));
    }
    return files;
  }

  private static Map<String, String> overlay(
      String name,
      String valuesFile,
      Map<String, ObjectNode> base,
      Map<String, ObjectNode> target) {
    StringBuilder k = new StringBuilder(HEADER);
    k.append("# The chart rendered with helm/tessera/ci/").append(valuesFile).append(".\n");
    k.append("apiVersion: kustomize.config.k8s.io/v1beta1\n");
    k.append("kind: Kustomization\n");
    k.append("resources:\n  - ../../base\n");
    List<ObjectNode> added = new ArrayList<>();
    target.forEach(
        (id, object) -> {
          if (!base.containsKey(id)) {
            added.add(object);
          }
        });
    if (!added.isEmpty()) {
      k.append("  - added.yaml\n");
    }
    StringBuilder patches = new StringBuilder();
    base.forEach(
        (id, object) -> {
          ObjectNode wanted = target.get(id);
          if (wanted == null) {
            patches.append("  - patch: |-\n");
            patches.append("      $patch: delete\n");
            patches
                .append("      apiVersion: ")
                .append(object.path("apiVersion").asText())
                .append('\n');
            patches.append("      kind: ").append(object.path("kind").asText()).append('\n');
            patches
                .append("      metadata:\n        name: ")
                .append(Chart.name(object))
                .append('\n');
            return;
          }
          ArrayNode ops = Chart.JSON.createArrayNode();
          diff(object, wanted, "", ops);
          if (ops.isEmpty()) {
            return;
          }
          String[] gv = object.path("apiVersion").asText().split("/");
          patches.append("  - target:\n");
          if (gv.length == 2) {
            patches.append("      group: ").append(gv[0]).append('\n');
          }
          patches.append("      version: ").append(gv[gv.length - 1]).append('\n');
          patches.append("      kind: ").append(object.path("kind").asText()).append('\n');
          patches.append("      name: ").append(Chart.name(object)).append('\n');
          patches.append("    patch: |-\n");
          patches.append(indent(yaml(ops), "      "));
        });
    if (!patches.isEmpty()) {
      k.append("patches:\n").append(patches);
    }
    Map<String, String> files = new LinkedHashMap<>();
    files.put("overlays/" + name + "/kustomization.yaml", k.toString());
    if (!added.isEmpty()) {
      StringBuilder a = new StringBuilder(HEADER);
      for (ObjectNode object : added) {
        a.append("---\n").append(yaml(object));
      }
      files.put("overlays/" + name + "/added.yaml", a.toString());
    }
    return files;
  }

  /** RFC 6902 operations turning {@code from} into {@code to}; arrays are replaced whole. */
  static void diff(JsonNode from, JsonNode to, String path, ArrayNode ops) {
    if (from.equals(to)) {
      return;
    }
    if (from.isObject() && to.isObject()) {
      from.fieldNames()
          .forEachRemaining(
              f -> {
                if (!to.has(f)) {
                  ops.addObject().put("op", "remove").put("path", path + "/" + escape(f));
                }
              });
      to.fields()
          .forEachRemaining(
              e -> {
                String p = path + "/" + escape(e.getKey());
                if (!from.has(e.getKey())) {
                  ops.addObject().put("op", "add").put("path", p).set("value", e.getValue());
                } else {
                  diff(from.get(e.getKey()), e.getValue(), p, ops);
                }
              });
      return;
    }
    if (from.isArray() && to.isArray() && from.size() == to.size()) {
      for (int i = 0; i < from.size(); i++) {
        diff(from.get(i), to.get(i), path + "/" + i, ops);
      }
      return;
    }
    ops.addObject().put("op", "replace").put("path", path).set("value", to);
  }

  private static String escape(String key) {
    return key.replace("~", "~0").replace("/", "~1");
  }

  /** Objects by apiVersion/kind/name, in rendering order. */
  static Map<String, ObjectNode> byId(List<ObjectNode> objects) {
    Map<String, ObjectNode> map = new LinkedHashMap<>();
    objects.forEach(o -> map.put(Chart.typeKey(o) + "/" + Chart.name(o), o));
    return map;
  }

  /**
   * What `kubectl kustomize k8s/overlays/NAME` (or k8s/base, for "base") gives, built here from the
   * files in k8s/ for the forms {@link #generate()} writes: the base, added.yaml, deletions and
   * JSON patches (add, remove, replace), and the namespace. Lets the tests validate the manifests a
   * kustomize user applies where no kubectl is installed.
   */
  static List<ObjectNode> build(String overlay) {
    Map<String, ObjectNode> objects =
        byId(Chart.parse(Repo.read(dir().resolve("base/tessera.yaml"))));
    if (!overlay.equals("base")) {
      Path folder = dir().resolve("overlays/" + overlay);
      if (Files.exists(folder.resolve("added.yaml"))) {
        objects.putAll(byId(Chart.parse(Repo.read(folder.resolve("added.yaml")))));
      }
      JsonNode kustomization = Chart.parse(Repo.read(folder.resolve("kustomization.yaml"))).get(0);
      for (JsonNode patch : kustomization.path("patches")) {
        JsonNode body = Chart.parse(patch.path("patch").asText()).stream().findFirst().orElse(null);
        JsonNode target = patch.path("target");
        if (target.isMissingNode()) {
          // "$patch: delete" of one object
          objects.remove(Chart.typeKey(body) + "/" + Chart.name(body));
          continue;
        }
        String group = target.path("group").asText("");
        String id =
            (group.isEmpty() ? "" : group + "/")
                + target.path("version").asText()
                + "/"
                + target.path("kind").asText()
                + "/"
                + target.path("name").asText();
        ObjectNode object = objects.get(id);
        if (object == null) {
          throw new IllegalStateException(overlay + ": a patch targets no object " + id);
        }
        JsonNode ops;
        try {
          ops = Chart.YAML.readTree(patch.path("patch").asText());
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
        ops.forEach(op -> applyOperation(object, op));
      }
    }
    List<ObjectNode> result = new ArrayList<>();
    objects
        .values()
        .forEach(
            o -> {
              ObjectNode copy = o.deepCopy();
              ((ObjectNode) copy.path("metadata")).put("namespace", Chart.NAMESPACE);
              result.add(copy);
            });
    return result;
  }

  private static void applyOperation(ObjectNode object, JsonNode op) {
    String path = op.path("path").asText();
    int cut = path.lastIndexOf('/');
    JsonNode parent = object.at(path.substring(0, cut));
    String last = path.substring(cut + 1).replace("~1", "/").replace("~0", "~");
    String kind = op.path("op").asText();
    if (parent instanceof ObjectNode p) {
      if (kind.equals("remove")) {
        p.remove(last);
      } else {
        p.set(last, op.path("value").deepCopy());
      }
    } else if (parent instanceof ArrayNode a) {
      int index = Integer.parseInt(last);
      switch (kind) {
        case "remove" -> a.remove(index);
        case "add" -> a.insert(index, op.path("value").deepCopy());
        default -> a.set(index, op.path("value").deepCopy());
      }
    } else {
      throw new IllegalStateException("No parent for " + path + " in " + Chart.id(object));
    }
  }

  private static String yaml(JsonNode node) {
    try {
      String text = READABLE.writeValueAsString(node);
      return text.startsWith("---\n") ? text.substring(4) : text;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static String indent(String text, String prefix) {
    StringBuilder b = new StringBuilder();
    text.lines().forEach(l -> b.append(prefix).append(l).append('\n'));
    return b.toString();
  }
}
