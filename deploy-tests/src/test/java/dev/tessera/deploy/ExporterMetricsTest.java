package dev.tessera.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The metrics the chart's rules and dashboards read from an exporter rather than from a Tessera
 * application (resources/exporter-metrics.yaml) are ones that exporter really produces, with the
 * labels they are read by: a JMX metric is the output of a rule of the chart's metrics ConfigMap, a
 * Kafka Exporter metric is one it documents. e2e-tests' MetricNamesIT checks every other name
 * against the applications' /q/metrics, and leaves these to this test.
 */
class ExporterMetricsTest {

  /** Labels Prometheus adds to every target of a PodMonitor; on no exported sample. */
  private static final Set<String> TARGET_LABELS =
      Set.of("namespace", "job", "service", "pod", "instance", "container", "endpoint");

  /** Names only an exporter of the chart produces: each must be declared, so a typo fails. */
  private static final Pattern EXPORTER_NAME =
      Pattern.compile(
          "^(kafka_(topic|consumergroup|broker|brokers|connect|server|controller|log|network)(_.*)?"
              + "|debezium_.+)$");

  /** The ConfigMap and key of the JMX exporter rules of each JMX source. */
  private static final Map<String, String[]> JMX_CONFIG =
      Map.of(
          "kafka-jmx", new String[] {Chart.RELEASE + "-kafka-metrics", "kafka-metrics.yaml"},
          "connect-jmx", new String[] {Chart.RELEASE + "-connect-metrics", "connect-metrics.yaml"});

  private static final Path DECLARED =
      Path.of("src", "test", "resources", "exporter-metrics.yaml").toAbsolutePath();

  private static final Map<String, Object> MONITORING_ON =
      Map.of(
          "monitoring.serviceMonitors", true,
          "monitoring.slo.enabled", true,
          "monitoring.dashboards.enabled", true);

  @Test
  void every_exporter_metric_a_rule_or_dashboard_reads_is_declared_with_the_labels_it_is_read_by() {
    Map<String, Set<String>> declared = declaredLabels();
    List<String> problems = new ArrayList<>();
    Set<String> used = new TreeSet<>();
    for (Map.Entry<String, String> entry : expressions().entrySet()) {
      PromQuery query = PromQuery.of(entry.getValue());
      Set<String> inScope = new TreeSet<>(TARGET_LABELS);
      boolean onlyExporters = true;
      for (PromQuery.Selector selector : query.selectors()) {
        String metric = selector.metric();
        Set<String> labels = declared.get(metric);
        if (labels == null) {
          if (EXPORTER_NAME.matcher(metric).matches()) {
            problems.add(entry.getKey() + ": " + metric + " is not in exporter-metrics.yaml");
          }
          onlyExporters = false;
          continue;
        }
        used.add(metric);
        inScope.addAll(labels);
        for (PromQuery.LabelMatcher matcher : selector.matchers()) {
          if (!TARGET_LABELS.contains(matcher.label()) && !labels.contains(matcher.label())) {
            problems.add(entry.getKey() + ": " + metric + " has no label " + matcher.label());
          }
        }
      }
      // With an application's series in it too, MetricNamesIT knows that one's labels.
      if (onlyExporters) {
        for (String label : query.groupingLabels()) {
          if (!inScope.contains(label)) {
            problems.add(
                entry.getKey() + ": groups by " + label + ", which none of its series has");
          }
        }
      }
    }
    assertThat(problems).isEmpty();
    assertThat(used)
        .as("declared exporter metrics no rule or dashboard reads")
        .isEqualTo(declared.keySet());
  }

  @Test
  void every_declared_kafka_exporter_metric_is_one_it_documents_with_those_labels() {
    JsonNode file = declared();
    JsonNode documented = file.path("kafkaExporterDocumented");
    List<String> problems = new ArrayList<>();
    file.path("metrics")
        .fields()
        .forEachRemaining(
            m -> {
              if (!m.getValue().path("source").asText().equals("kafka-exporter")) {
                return;
              }
              JsonNode labels = documented.get(m.getKey());
              if (labels == null) {
                problems.add(m.getKey() + " is not a documented Kafka Exporter metric");
                return;
              }
              Set<String> known = strings(labels);
              for (String label : strings(m.getValue().path("labels"))) {
                if (!known.contains(label)) {
                  problems.add(m.getKey() + " has no label " + label + " (it has " + known + ")");
                }
              }
            });
    assertThat(problems).isEmpty();
  }

  @Test
  void every_declared_jmx_metric_is_produced_by_a_rule_of_the_charts_metrics_config() {
    List<ObjectNode> objects = Chart.objects(prodValues(), MONITORING_ON);
    List<String> problems = new ArrayList<>();
    declared()
        .path("metrics")
        .fields()
        .forEachRemaining(
            m -> {
              String source = m.getValue().path("source").asText();
              if (source.equals("kafka-exporter")) {
                return;
              }
              String[] config = JMX_CONFIG.get(source);
              if (config == null) {
                problems.add(m.getKey() + ": unknown source " + source);
                return;
              }
              Set<String> wanted = strings(m.getValue().path("labels"));
              boolean produced = false;
              for (JsonNode rule : jmxRules(objects, config[0], config[1])) {
                if (outputName(rule).matcher(m.getKey()).matches()
                    && labelNames(rule).containsAll(wanted)) {
                  produced = true;
                }
              }
              if (!produced) {
                problems.add(
                    m.getKey()
                        + wanted
                        + ": no rule of "
                        + config[0]
                        + " produces it ("
                        + source
                        + ")");
              }
            });
    assertThat(problems).isEmpty();
  }

  @Test
  void the_strimzi_resources_name_metrics_configs_the_chart_renders() {
    List<ObjectNode> objects = Chart.objects(prodValues(), MONITORING_ON);
    for (String kind : List.of("Kafka", "KafkaConnect")) {
      ObjectNode resource = Chart.ofKind(objects, kind).get(0);
      JsonNode spec =
          kind.equals("Kafka") ? resource.path("spec").path("kafka") : resource.path("spec");
      JsonNode metrics = spec.path("metricsConfig");
      assertThat(metrics.path("type").asText()).as(kind).isEqualTo("jmxPrometheusExporter");
      JsonNode ref = metrics.path("valueFrom").path("configMapKeyRef");
      assertThat(jmxRules(objects, ref.path("name").asText(), ref.path("key").asText()))
          .as(kind + "'s metrics ConfigMap and key")
          .isNotEmpty();
    }
    assertThat(Chart.ofKind(objects, "Kafka").get(0).path("spec").has("kafkaExporter")).isTrue();
    assertThat(Chart.ofKind(objects, "PodMonitor"))
        .extracting(Chart::name)
        .containsExactlyInAnyOrder(
            Chart.RELEASE + "-kafka-brokers",
            Chart.RELEASE + "-kafka-exporter",
            Chart.RELEASE + "-connect");
  }

  /**
   * The name a jmx_exporter rule can produce, as a regex: each {@code $n} is its capture group's
   * literal alternatives when the group is a list of words, anything otherwise; the whole name
   * lowercased (lowercaseOutputName) and sanitized as the exporter does (non-word characters to _).
   */
  private static Pattern outputName(JsonNode rule) {
    List<String> groups = captureGroups(rule.path("pattern").asText());
    String name = rule.path("name").asText();
    StringBuilder regex = new StringBuilder();
    Matcher ref = Pattern.compile("\\$(\\d+)").matcher(name);
    int at = 0;
    while (ref.find()) {
      regex.append(Pattern.quote(sanitize(name.substring(at, ref.start()))));
      int group = Integer.parseInt(ref.group(1));
      String body = group <= groups.size() ? groups.get(group - 1) : ".+";
      if (body.matches("[A-Za-z0-9_-]+(\\|[A-Za-z0-9_-]+)*")) {
        List<String> words = new ArrayList<>();
        for (String word : body.split("\\|")) {
          words.add(Pattern.quote(sanitize(word)));
        }
        regex.append("(").append(String.join("|", words)).append(")");
      } else {
        regex.append("[a-z0-9_]+");
      }
      at = ref.end();
    }
    regex.append(Pattern.quote(sanitize(name.substring(at))));
    return Pattern.compile(regex.toString());
  }

  private static String sanitize(String text) {
    return text.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9_:]", "_");
  }

  /** The bodies of a regex's capturing groups, in order. */
  private static List<String> captureGroups(String pattern) {
    List<String> groups = new ArrayList<>();
    List<Integer> open = new ArrayList<>();
    List<Integer> slots = new ArrayList<>();
    for (int i = 0; i < pattern.length(); i++) {
      char c = pattern.charAt(i);
      if (c == '\\') {
        i++;
      } else if (c == '(') {
        boolean capturing = i + 1 >= pattern.length() || pattern.charAt(i + 1) != '?';
        open.add(i);
        slots.add(capturing ? groups.size() : -1);
        if (capturing) {
          groups.add(null);
        }
      } else if (c == ')' && !open.isEmpty()) {
        int start = open.remove(open.size() - 1);
        int slot = slots.remove(slots.size() - 1);
        if (slot >= 0) {
          groups.set(slot, pattern.substring(start + 1, i));
        }
      }
    }
    return groups;
  }

  private static Set<String> labelNames(JsonNode rule) {
    Set<String> names = new TreeSet<>();
    rule.path("labels").fieldNames().forEachRemaining(names::add);
    return names;
  }

  private static List<JsonNode> jmxRules(List<ObjectNode> objects, String configMap, String key) {
    List<JsonNode> rules = new ArrayList<>();
    Chart.find(objects, "ConfigMap", configMap)
        .ifPresent(
            cm -> {
              String text = cm.path("data").path(key).asText("");
              if (!text.isEmpty()) {
                try {
                  Chart.YAML.readTree(text).path("rules").forEach(rules::add);
                } catch (IOException e) {
                  throw new UncheckedIOException(configMap + "/" + key + " is not YAML", e);
                }
              }
            });
    return rules;
  }

  /** Every rule expression and dashboard query of the production overlay, by where it is. */
  private static Map<String, String> expressions() {
    List<ObjectNode> objects = Chart.objects(prodValues(), MONITORING_ON);
    Map<String, String> expressions = new LinkedHashMap<>();
    for (ObjectNode rule : Chart.ofKind(objects, "PrometheusRule")) {
      for (JsonNode group : rule.path("spec").path("groups")) {
        for (JsonNode r : group.path("rules")) {
          String name = r.has("alert") ? r.get("alert").asText() : r.path("record").asText();
          expressions.put(
              name + " (" + r.path("expr").asText().strip() + ")", r.path("expr").asText());
        }
      }
    }
    for (ObjectNode cm : Chart.ofKind(objects, "ConfigMap")) {
      if (!cm.path("metadata").path("labels").has("grafana_dashboard")) {
        continue;
      }
      cm.path("data")
          .fields()
          .forEachRemaining(
              file -> {
                try {
                  List<JsonNode> panels = new ArrayList<>();
                  Chart.JSON.readTree(file.getValue().asText()).path("panels").forEach(panels::add);
                  for (int i = 0; i < panels.size(); i++) {
                    JsonNode panel = panels.get(i);
                    panel.path("panels").forEach(panels::add);
                    for (JsonNode target : panel.path("targets")) {
                      String expr = target.path("expr").asText();
                      if (!expr.isBlank()) {
                        expressions.put(
                            file.getKey()
                                + " / "
                                + panel.path("title").asText()
                                + " ("
                                + expr
                                + ")",
                            expr);
                      }
                    }
                  }
                } catch (IOException e) {
                  throw new UncheckedIOException(file.getKey() + " is not JSON", e);
                }
              });
    }
    assertThat(expressions).as("rules and dashboard queries rendered").hasSizeGreaterThan(20);
    return expressions;
  }

  private static Map<String, Set<String>> declaredLabels() {
    Map<String, Set<String>> labels = new LinkedHashMap<>();
    declared()
        .path("metrics")
        .fields()
        .forEachRemaining(m -> labels.put(m.getKey(), strings(m.getValue().path("labels"))));
    return labels;
  }

  private static JsonNode declared() {
    try {
      return Chart.YAML.readTree(DECLARED.toFile());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static Set<String> strings(JsonNode array) {
    Set<String> values = new TreeSet<>();
    array.forEach(v -> values.add(v.asText()));
    return values;
  }

  private static Path prodValues() {
    return Repo.chart().resolve("ci/prod-values.yaml");
  }
}
