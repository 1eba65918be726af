package dev.tessera.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The chart's alert rules, as it renders them for each overlay (ci/ values file), pass {@code
 * promtool check rules} and the unit tests of {@code src/test/resources/promtool} (once per
 * distinct rendering): each alert fires when it should, at the time it should, and stays silent
 * just under its threshold.
 *
 * <p>promtool comes from Debian's {@code prometheus} package, which {@code .ci/run} installs. A
 * build without it fails here and says so: a rule test that skips itself would let a broken alert
 * through on the one machine that was meant to catch it. {@code -Dtessera.promtool=/path} names
 * another binary.
 */
class PrometheusRulesTest {

  private static final Path TESTS =
      Path.of("src", "test", "resources", "promtool").toAbsolutePath();

  /** The monitoring switches the rules need; the dev overlay turns them off for its cluster. */
  private static final Map<String, Object> MONITORING_ON =
      Map.of("monitoring.serviceMonitors", true, "monitoring.slo.enabled", true);

  /**
   * The rule files the overlays render, each once, named by the overlays that render it: overlays
   * that differ only in what the rules do not read would run the same promtool tests again (the SLO
   * tests take ~12 s of CPU a run).
   */
  static Stream<Arguments> distinctRuleFiles() throws IOException {
    Map<String, List<String>> overlaysByRules = new LinkedHashMap<>();
    for (Path values : Repo.ciValuesFiles()) {
      overlaysByRules
          .computeIfAbsent(Chart.YAML.writeValueAsString(rules(values)), rules -> new ArrayList<>())
          .add(Chart.label(values));
    }
    return overlaysByRules.entrySet().stream()
        .map(e -> Arguments.of(String.join(", ", e.getValue()), e.getKey()));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("distinctRuleFiles")
  void every_alert_fires_on_time_and_stays_silent_just_under_its_threshold(
      String overlays, String rules) throws IOException {
    Path dir =
        Files.createDirectories(
            Path.of("target", "promtool", overlays.replaceAll("[^A-Za-z0-9.-]+", "-")));
    Files.writeString(dir.resolve("rules.yaml"), rules);
    List<String> testFiles = new ArrayList<>();
    try (Stream<Path> files = Files.list(TESTS)) {
      for (Path test : files.filter(f -> f.toString().endsWith(".test.yaml")).sorted().toList()) {
        Files.copy(test, dir.resolve(test.getFileName()), StandardCopyOption.REPLACE_EXISTING);
        testFiles.add(test.getFileName().toString());
      }
    }
    assertThat(testFiles).isNotEmpty();

    Result check = promtool(dir, List.of("check", "rules", "rules.yaml"));
    assertThat(check.exitCode())
        .as(overlays + ": promtool check rules\n" + check.output())
        .isZero();

    List<String> test = new ArrayList<>(List.of("test", "rules"));
    test.addAll(testFiles);
    Result run = promtool(dir, test);
    assertThat(run.exitCode()).as(overlays + ": promtool test rules\n" + run.output()).isZero();
  }

  @Test
  void every_alert_has_a_firing_and_a_silent_case() throws IOException {
    Set<String> alerts = new TreeSet<>();
    for (JsonNode group : rules(null).path("groups")) {
      for (JsonNode rule : group.path("rules")) {
        if (rule.has("alert")) {
          alerts.add(rule.get("alert").asText());
        }
      }
    }
    Set<String> firing = new TreeSet<>();
    Set<String> silent = new TreeSet<>();
    try (Stream<Path> files = Files.list(TESTS)) {
      for (Path file : files.filter(f -> f.toString().endsWith(".test.yaml")).toList()) {
        for (JsonNode test : Chart.YAML.readTree(file.toFile()).path("tests")) {
          for (JsonNode check : test.path("alert_rule_test")) {
            String alert = check.path("alertname").asText();
            (check.path("exp_alerts").isEmpty() ? silent : firing).add(alert);
          }
        }
      }
    }

    assertThat(alerts).as("alerts the chart renders").hasSizeGreaterThan(10);
    assertThat(firing).as("alerts with a case where they fire").containsAll(alerts);
    assertThat(silent).as("alerts with a case where they stay silent").containsAll(alerts);
  }

  /** Every PrometheusRule group of one render, as one Prometheus rule file. */
  private static ObjectNode rules(Path values) {
    ObjectNode file = Chart.JSON.createObjectNode();
    ArrayNode groups = file.putArray("groups");
    for (ObjectNode rule :
        Chart.ofKind(Chart.parse(Chart.template(values, MONITORING_ON)), "PrometheusRule")) {
      rule.path("spec").path("groups").forEach(groups::add);
    }
    assertThat(groups).as("rule groups rendered").isNotEmpty();
    return file;
  }

  private record Result(int exitCode, String output) {}

  private static Result promtool(Path dir, List<String> arguments) {
    String binary = promtoolBinary();
    List<String> command = new ArrayList<>();
    command.add(binary);
    command.addAll(arguments);
    try {
      Process process =
          new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).start();
      String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (!process.waitFor(5, TimeUnit.MINUTES)) {
        process.destroyForcibly();
        fail("promtool did not finish in 5 minutes: " + command);
      }
      return new Result(process.exitValue(), output);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  private static String promtoolBinary() {
    String configured = System.getProperty("tessera.promtool");
    if (configured != null && !configured.isBlank()) {
      return configured;
    }
    for (String dir : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
      Path candidate = Path.of(dir, "promtool");
      if (Files.isExecutable(candidate)) {
        return candidate.toString();
      }
    }
    return fail(
        "promtool is not on the PATH: the alert rules cannot be tested. Install Debian's"
            + " `prometheus` package (`apt-get install -y prometheus`; .ci/run does it), or pass"
            + " -Dtessera.promtool=/path/to/promtool.");
  }
}
