package dev.tessera.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import com.marcnuri.helm.Helm;
import dev.tessera.e2e.GatewayClient.Session;
import dev.tessera.launcher.AppProcess;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Every metric name and label that the chart's alert rules and Grafana dashboards use is one the
 * applications really export: the whole system runs (as {@code ./tessera up} runs it), an order
 * goes through the saga so that every lazily registered meter exists, and each instance's {@code
 * /q/metrics} is scraped. A renamed metric, a dropped tag or a histogram bucket that is not there
 * fails here instead of leaving an alert that can never fire or a dashboard panel that is empty.
 */
class MetricNamesIT {

  /**
   * Labels Prometheus adds to every scraped series (ServiceMonitor targets), or that the chart's
   * recording rules add; they are on no exported sample.
   */
  private static final Set<String> TARGET_LABELS =
      Set.of("namespace", "job", "service", "pod", "instance", "container", "endpoint");

  private static final Pattern MANAGEMENT =
      Pattern.compile("Management interface listening on https?://[^:\\s]+:(\\d+)");
  private static final Pattern SAMPLE =
      Pattern.compile("^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\\{(.*)})?\\s+\\S+.*$");
  private static final Pattern LABEL =
      Pattern.compile("([a-zA-Z_][a-zA-Z0-9_]*)=\"((?:[^\"\\\\]|\\\\.)*)\",?");

  /**
   * Metrics a rule or dashboard reads from an exporter the chart runs on a cluster (Kafka Exporter,
   * the brokers' and Connect's JMX exporter), not from an application, with their labels. The local
   * system runs none of those exporters; deploy-tests' ExporterMetricsTest checks these names
   * against their source, and this test every other name.
   */
  private static final Map<String, Set<String>> FROM_EXPORTERS = exporterMetrics();

  /** Micrometer's refresh of a Kafka client's metrics (60 s), with room for a slow machine. */
  private static final Duration PARTITION_METRICS_BOUND = Duration.ofSeconds(100);

  /** Exported sample name → label name → values seen, over every instance of every app. */
  private static final Map<String, Map<String, Set<String>>> EXPORTED = new TreeMap<>();

  @BeforeAll
  static void runASagaAndScrapeEveryInstance() throws Exception {
    GatewayClient gateway = WholeSystem.gateway();
    OrderSagaIT saga = new OrderSagaIT();
    Session user = gateway.signUpAndLogIn("Metrics");
    String orderId = saga.placeOrder(user);
    saga.awaitStatus(user, orderId, "CONFIRMED");
    await().atMost(OrderSagaIT.SAGA).until(() -> saga.mailTo(user) >= 2);
    // A refund, for the saga dashboard's refund panel.
    assertThat(
            gateway
                .post("/api/orders/" + orderId + "/cancellation", user.accessToken(), Map.of())
                .status())
        .isBetween(200, 204);
    saga.awaitStatus(user, orderId, "CANCELLED");
    await().atMost(OrderSagaIT.SAGA).until(() -> saga.mailTo(user) >= 3);

    HttpClient http = HttpClient.newHttpClient();
    Path dump = Path.of("target", "metrics");
    Files.createDirectories(dump);
    for (AppProcess instance : WholeSystem.get().allInstances()) {
      int port = managementPort(instance);
      // The e-mail's latency is recorded after the SMTP server's acceptance that the test saw. A
      // consumer's per-partition metrics (the lag of each partition) exist once it has fetched
      // from the partition, and Micrometer binds a Kafka client's new metrics on its next refresh,
      // every 60 s: an instance with consumers shows them within that.
      String body =
          await()
              .atMost(PARTITION_METRICS_BOUND)
              .pollInterval(Duration.ofSeconds(2))
              .until(() -> scrape(http, port), MetricNamesIT::complete);
      Files.writeString(dump.resolve(instance.id() + ".txt"), body);
      for (String line : body.split("\n")) {
        Matcher sample = SAMPLE.matcher(line);
        if (line.startsWith("#") || !sample.matches()) {
          continue;
        }
        Map<String, Set<String>> labels =
            EXPORTED.computeIfAbsent(sample.group(1), k -> new TreeMap<>());
        if (sample.group(2) != null) {
          Matcher label = LABEL.matcher(sample.group(2));
          while (label.find()) {
            labels.computeIfAbsent(label.group(1), k -> new TreeSet<>()).add(label.group(2));
          }
        }
      }
    }
  }

  @Test
  void every_series_an_alert_rule_reads_is_exported_with_its_labels() {
    Map<String, String> expressions = new LinkedHashMap<>();
    for (JsonNode rule : rules()) {
      String name = rule.has("alert") ? rule.get("alert").asText() : rule.get("record").asText();
      String expr = rule.get("expr").asText();
      expressions.put(name + " (" + expr.strip() + ")", expr);
    }
    assertThat(expressions).as("rules rendered").isNotEmpty();
    assertThat(problems(expressions)).isEmpty();
  }

  @Test
  void every_series_a_dashboard_panel_reads_is_exported_with_its_labels() {
    Map<String, String> expressions = new LinkedHashMap<>();
    for (Map.Entry<String, JsonNode> dashboard : dashboards().entrySet()) {
      List<JsonNode> panels = new ArrayList<>();
      dashboard.getValue().path("panels").forEach(panels::add);
      for (JsonNode panel : panels) {
        panel.path("panels").forEach(panels::add);
        for (JsonNode target : panel.path("targets")) {
          String expr = target.path("expr").asText();
          if (!expr.isBlank()) {
            expressions.put(
                dashboard.getKey() + " / " + panel.path("title").asText() + " (" + expr + ")",
                expr);
          }
        }
      }
      for (JsonNode variable : dashboard.getValue().path("templating").path("list")) {
        String query =
            variable.path("query").isTextual()
                ? variable.path("query").asText()
                : variable.path("query").path("query").asText();
        Matcher values = Pattern.compile("label_values\\((.*),\\s*([a-zA-Z_]+)\\)").matcher(query);
        if (values.find()) {
          expressions.put(
              dashboard.getKey() + " / $" + variable.path("name").asText() + " (" + query + ")",
              "count by (" + values.group(2) + ") (" + values.group(1) + ")");
        }
      }
    }
    assertThat(dashboards()).as("dashboards rendered").hasSize(4);
    assertThat(problems(expressions)).isEmpty();
  }

  @Test
  void no_metric_left_to_the_exporters_is_one_an_application_exports() {
    assertThat(FROM_EXPORTERS).isNotEmpty();
    assertThat(FROM_EXPORTERS.keySet()).doesNotContainAnyElementsOf(EXPORTED.keySet());
  }

  /** What is wrong with each expression: unknown metrics, labels or bucket bounds. */
  private static List<String> problems(Map<String, String> expressions) {
    Map<String, List<JsonNode>> records = new LinkedHashMap<>();
    for (JsonNode rule : rules()) {
      if (rule.has("record")) {
        records.computeIfAbsent(rule.get("record").asText(), k -> new ArrayList<>()).add(rule);
      }
    }
    List<String> problems = new ArrayList<>();
    for (Map.Entry<String, String> entry : expressions.entrySet()) {
      PromQuery query = PromQuery.of(entry.getValue());
      Set<String> labelsInScope = new TreeSet<>(TARGET_LABELS);
      for (PromQuery.Selector selector : query.selectors()) {
        if (selector.recorded()) {
          if (!records.containsKey(selector.metric())) {
            problems.add(entry.getKey() + ": no recording rule " + selector.metric());
            continue;
          }
          // A recorded series carries the labels its expressions keep, and those its rules add.
          for (JsonNode rule : records.get(selector.metric())) {
            rule.path("labels").fieldNames().forEachRemaining(labelsInScope::add);
            for (PromQuery.Selector source : PromQuery.of(rule.get("expr").asText()).selectors()) {
              labelsInScope.addAll(EXPORTED.getOrDefault(source.metric(), Map.of()).keySet());
            }
          }
          continue;
        }
        Set<String> fromExporter = FROM_EXPORTERS.get(selector.metric());
        if (fromExporter != null) {
          labelsInScope.addAll(fromExporter);
          continue;
        }
        Map<String, Set<String>> labels = EXPORTED.get(selector.metric());
        if (labels == null) {
          problems.add(entry.getKey() + ": no application exports " + selector.metric());
          continue;
        }
        labelsInScope.addAll(labels.keySet());
        for (PromQuery.LabelMatcher matcher : selector.matchers()) {
          if (TARGET_LABELS.contains(matcher.label())) {
            continue;
          }
          Set<String> values = labels.get(matcher.label());
          if (values == null) {
            problems.add(
                entry.getKey()
                    + ": "
                    + selector.metric()
                    + " has no label "
                    + matcher.label()
                    + " (it has "
                    + labels.keySet()
                    + ")");
          } else if (matcher.label().equals("le") && !values.contains(matcher.value())) {
            problems.add(
                entry.getKey()
                    + ": "
                    + selector.metric()
                    + "{"
                    + matcher.label()
                    + "=\""
                    + matcher.value()
                    + "\"} is never exported (values: "
                    + values
                    + ")");
          }
        }
      }
      for (String label : query.groupingLabels()) {
        if (!labelsInScope.contains(label)) {
          problems.add(entry.getKey() + ": groups by " + label + ", which none of its series has");
        }
      }
    }
    return problems;
  }

  /** The rules of every PrometheusRule the production overlay renders. */
  private static List<JsonNode> rules() {
    List<JsonNode> rules = new ArrayList<>();
    for (JsonNode object : rendered()) {
      if (object.path("kind").asText().equals("PrometheusRule")) {
        for (JsonNode group : object.path("spec").path("groups")) {
          group.path("rules").forEach(rules::add);
        }
      }
    }
    return rules;
  }

  /** The Grafana dashboards the production overlay renders, by file name. */
  private static Map<String, JsonNode> dashboards() {
    Map<String, JsonNode> dashboards = new TreeMap<>();
    ObjectMapper json = new ObjectMapper();
    for (JsonNode object : rendered()) {
      if (object.path("kind").asText().equals("ConfigMap")
          && object.path("metadata").path("labels").has("grafana_dashboard")) {
        object
            .path("data")
            .fields()
            .forEachRemaining(
                file -> {
                  try {
                    dashboards.put(file.getKey(), json.readTree(file.getValue().asText()));
                  } catch (IOException e) {
                    throw new UncheckedIOException(file.getKey() + " is not JSON", e);
                  }
                });
      }
    }
    return dashboards;
  }

  private static Map<String, Set<String>> exporterMetrics() {
    Path file =
        WholeSystem.repository().resolve("deploy-tests/src/test/resources/exporter-metrics.yaml");
    try {
      Map<String, Set<String>> metrics = new TreeMap<>();
      new YAMLMapper()
          .readTree(file.toFile())
          .path("metrics")
          .fields()
          .forEachRemaining(
              m -> {
                Set<String> labels = new TreeSet<>();
                m.getValue().path("labels").forEach(l -> labels.add(l.asText()));
                metrics.put(m.getKey(), labels);
              });
      return metrics;
    } catch (IOException e) {
      throw new UncheckedIOException(file + " is not readable YAML", e);
    }
  }

  private static List<JsonNode> rendered;

  private static synchronized List<JsonNode> rendered() {
    if (rendered == null) {
      Path chart = WholeSystem.repository().resolve("helm/tessera");
      String manifests =
          new Helm(withoutKubeVersion(chart))
              .template()
              .withName("tessera")
              .withNamespace("tessera")
              .withValuesFile(chart.resolve("ci/prod-values.yaml"))
              .call();
      try (var parser = new YAMLMapper().getFactory().createParser(manifests)) {
        List<JsonNode> objects = new ArrayList<>();
        new YAMLMapper().readValues(parser, JsonNode.class).forEachRemaining(objects::add);
        rendered = objects.stream().filter(o -> o != null && o.isObject()).toList();
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    return rendered;
  }

  /**
   * A copy of the chart without Chart.yaml's kubeVersion: helm-java says Kubernetes v1.20.0 and has
   * no --kube-version, so the constraint would refuse the render (deploy-tests' Chart.renderable
   * does the same; SupportedVersionsTest checks the constraint).
   */
  private static Path withoutKubeVersion(Path chart) {
    try {
      Path copy = Files.createTempDirectory("tessera-chart-");
      try (Stream<Path> files = Files.walk(chart)) {
        for (Path file : files.toList()) {
          Path target = copy.resolve(chart.relativize(file).toString());
          if (Files.isDirectory(file)) {
            Files.createDirectories(target);
          } else {
            Files.copy(file, target);
          }
        }
      }
      Path meta = copy.resolve("Chart.yaml");
      Files.writeString(meta, Files.readString(meta).replaceAll("(?m)^kubeVersion:.*\\R", ""));
      return copy;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static int managementPort(AppProcess instance) {
    return await()
        .atMost(Duration.ofSeconds(30))
        .until(
            () -> {
              Matcher m = MANAGEMENT.matcher(Files.readString(instance.log()));
              int port = -1;
              while (m.find()) {
                port = Integer.parseInt(m.group(1)); // the latest start's
              }
              return port;
            },
            port -> port > 0);
  }

  private static boolean complete(String scrape) {
    return scrape.contains("# TYPE")
        && (!scrape.contains("kafka_consumer_fetch_manager_records_lag_max{")
            || scrape.contains("kafka_consumer_fetch_manager_records_lag{"));
  }

  private static String scrape(HttpClient http, int port) throws Exception {
    HttpResponse<String> response =
        http.send(
            HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/q/metrics")).build(),
            HttpResponse.BodyHandlers.ofString());
    return response.statusCode() == 200 ? response.body() : "";
  }
}
