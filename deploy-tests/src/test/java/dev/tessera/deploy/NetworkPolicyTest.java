package dev.tessera.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Only the gateway is reachable from outside; each service reaches only its own database. */
class NetworkPolicyTest {

  static Stream<Arguments> valueSets() {
    return Chart.valueSets().stream().map(p -> Arguments.of(Chart.label(p), p));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("valueSets")
  void every_app_is_isolated_in_both_directions(String label, Path values) {
    List<ObjectNode> objects = Chart.objects(values);
    for (String app : Repo.APPS) {
      ObjectNode policy = Chart.find(objects, "NetworkPolicy", Chart.component(app)).orElseThrow();
      assertThat(policy.path("spec").path("policyTypes").toString()).contains("Ingress", "Egress");
      assertThat(
              policy
                  .path("spec")
                  .path("podSelector")
                  .path("matchLabels")
                  .path("app.kubernetes.io/component")
                  .asText())
          .isEqualTo(app);
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("valueSets")
  void no_service_but_the_gateway_admits_traffic_from_outside_the_release(
      String label, Path values) {
    List<ObjectNode> objects = Chart.objects(values);
    for (String app : Repo.APPS) {
      if (app.equals("gateway")) {
        continue;
      }
      ObjectNode policy = Chart.find(objects, "NetworkPolicy", Chart.component(app)).orElseThrow();
      for (JsonNode rule : policy.path("spec").path("ingress")) {
        assertThat(rule.has("from")).as(app + ": a rule without 'from' admits anyone").isTrue();
        for (JsonNode peer : rule.path("from")) {
          boolean releasePod =
              peer.path("podSelector")
                  .path("matchLabels")
                  .path("app.kubernetes.io/instance")
                  .asText()
                  .equals(Chart.RELEASE);
          boolean monitoring =
              peer.path("namespaceSelector")
                  .path("matchLabels")
                  .path("kubernetes.io/metadata.name")
                  .asText()
                  .equals("monitoring");
          assertThat(releasePod || monitoring).as(app + " admits " + peer).isTrue();
          assertThat(peer.has("ipBlock")).isFalse();
        }
      }
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("valueSets")
  void each_service_reaches_only_its_own_database(String label, Path values) {
    List<ObjectNode> objects = Chart.objects(values);
    for (String app : Repo.APPS) {
      ObjectNode policy = Chart.find(objects, "NetworkPolicy", Chart.component(app)).orElseThrow();
      String own = Chart.component(app) + "-db";
      for (JsonNode rule : policy.path("spec").path("egress")) {
        if (!rule.path("ports").toString().contains("5432")) {
          continue;
        }
        assertThat(app).as("the gateway has no database").isNotEqualTo("gateway");
        assertThat(rule.path("to")).as(app).isNotEmpty();
        for (JsonNode peer : rule.path("to")) {
          JsonNode labels = peer.path("podSelector").path("matchLabels");
          String target =
              labels.has("cnpg.io/cluster")
                  ? labels.path("cnpg.io/cluster").asText()
                  : labels.path("cnpg.io/poolerName").asText().replaceFirst("-pooler-rw$", "");
          assertThat(target).as(app + " reaches the database of").isEqualTo(own);
        }
      }
    }
  }
}
