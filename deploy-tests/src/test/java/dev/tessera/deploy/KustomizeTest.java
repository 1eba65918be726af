package dev.tessera.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** k8s/ (kustomize base and overlays) says exactly what the chart says. */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class KustomizeTest {

  @Test
  @Order(1) // with -Dtessera.k8s.write=true it regenerates k8s/ before the kubectl renders read it
  void the_k8s_manifests_are_what_the_chart_generates_now() throws IOException {
    Map<String, String> generated = Kustomize.generate();
    if (Boolean.getBoolean("tessera.k8s.write")) {
      for (var file : generated.entrySet()) {
        Path path = Kustomize.dir().resolve(file.getKey());
        Files.createDirectories(path.getParent());
        Files.writeString(path, file.getValue());
      }
    }

    for (var file : generated.entrySet()) {
      Path path = Kustomize.dir().resolve(file.getKey());
      assertThat(path)
          .as("k8s/%s is missing or stale: regenerate it (see its header)", file.getKey())
          .exists();
      assertThat(Files.readString(path))
          .as("k8s/%s drifted from the chart: regenerate it (see its header)", file.getKey())
          .isEqualTo(file.getValue());
    }
  }

  @Order(2)
  @ParameterizedTest(name = "overlay {0}")
  @ValueSource(strings = {"dev", "prod"})
  void kubectl_kustomize_renders_each_overlay_to_the_chart_with_its_ci_values(String overlay)
      throws Exception {
    Path kubectl = kubectl();
    assumeTrue(
        kubectl != null,
        "kubectl is not installed here: the kustomize render of k8s/overlays/"
            + overlay
            + " was NOT checked (the generated files still were)");

    Process process =
        new ProcessBuilder(
                kubectl.toString(),
                "kustomize",
                Kustomize.dir().resolve("overlays/" + overlay).toString())
            .redirectErrorStream(true)
            .start();
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(process.exitValue()).as(output).isZero();

    List<ObjectNode> rendered = Chart.parse(output);
    Path values = Repo.chart().resolve("ci").resolve(Kustomize.OVERLAYS.get(overlay));
    List<ObjectNode> chart = Chart.parse(Kustomize.chartManifest(values));
    rendered.forEach(o -> ((ObjectNode) o.path("metadata")).remove("namespace"));

    assertThat(Kustomize.byId(rendered)).isEqualTo(Kustomize.byId(chart));
    assertThat(Kustomize.byId(rendered))
        .as("what Kustomize.build, which the schema tests validate, makes of the overlay")
        .isEqualTo(Kustomize.byId(withoutNamespace(Kustomize.build(overlay))));
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"dev", "prod"})
  void each_overlay_built_from_k8s_is_the_chart_with_its_ci_values(String overlay) {
    Path values = Repo.chart().resolve("ci").resolve(Kustomize.OVERLAYS.get(overlay));
    List<ObjectNode> chart = Chart.parse(Kustomize.chartManifest(values));

    assertThat(Kustomize.byId(withoutNamespace(Kustomize.build(overlay))))
        .isEqualTo(Kustomize.byId(chart));
  }

  private static List<ObjectNode> withoutNamespace(List<ObjectNode> objects) {
    objects.forEach(o -> ((ObjectNode) o.path("metadata")).remove("namespace"));
    return objects;
  }

  private static Path kubectl() {
    for (String dir : System.getenv().getOrDefault("PATH", "").split(java.io.File.pathSeparator)) {
      Path candidate = Path.of(dir, "kubectl");
      if (Files.isExecutable(candidate)) {
        return candidate;
      }
    }
    return null;
  }
}
