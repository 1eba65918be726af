package dev.tessera.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tessera.contracts.EventType;
import dev.tessera.contracts.EventTypes;
import dev.tessera.registry.ServiceDescriptor;
import io.fabric8.kubernetes.api.model.EnvVar;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The chart's {@code apps:} and the code agree with what each service declares in its descriptor
 * ({@code services/<name>/service.yaml}), the one place a service is described: which apps are
 * domain services, what they need, the topics they publish and consume, and the routes the gateway
 * lets through without a token.
 */
class RegistryValuesTest {

  static Stream<Arguments> valueSets() {
    return Chart.valueSets().stream().map(p -> Arguments.of(Chart.label(p), p));
  }

  private static JsonNode apps() {
    try {
      return Chart.YAML.readTree(Repo.chart().resolve("values.yaml").toFile()).path("apps");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static List<String> strings(JsonNode list) {
    List<String> values = new ArrayList<>();
    list.forEach(item -> values.add(item.asText()));
    return values;
  }

  @Test
  void every_descriptor_has_its_app_and_every_app_with_a_database_a_descriptor() {
    Set<String> withDatabase = new TreeSet<>();
    apps()
        .fields()
        .forEachRemaining(
            app -> {
              if (app.getValue().path("database").asBoolean(false)) {
                withDatabase.add(app.getKey());
              }
            });
    assertThat(withDatabase)
        .as("apps with database: true = services with a service.yaml")
        .isEqualTo(new TreeSet<>(Repo.SERVICES));
  }

  @Test
  void each_services_app_declares_what_its_descriptor_does() {
    JsonNode apps = apps();
    for (ServiceDescriptor service : Repo.REGISTRY.services()) {
      JsonNode app = apps.path(service.name());
      String as = "apps." + service.name() + " vs " + service.module() + "/service.yaml: ";
      assertThat(app.path("redis").asBoolean(false)).as(as + "redis").isEqualTo(service.redis());
      assertThat(app.has("mailer")).as(as + "mailer (needs.smtp)").isEqualTo(service.smtp());
      assertThat(app.path("outbox").asBoolean(false))
          .as(as + "outbox (topics.publishes)")
          .isEqualTo(!service.publishes().isEmpty());
      assertThat(new TreeSet<>(strings(app.path("consumer").path("topics"))))
          .as(as + "consumer.topics (topics.consumes)")
          .isEqualTo(new TreeSet<>(service.consumes()));
      assertThat(strings(app.path("routes").path("public")))
          .as(as + "routes.public")
          .containsExactlyInAnyOrderElementsOf(service.publicReads());
      assertThat(strings(app.path("routes").path("auth")))
          .as(as + "routes.auth")
          .containsExactlyInAnyOrderElementsOf(service.authRoutes());
    }
  }

  @Test
  void each_descriptor_names_the_topics_its_code_publishes_and_consumes() {
    for (ServiceDescriptor service : Repo.REGISTRY.services()) {
      String as = service.module() + "/service.yaml: ";
      Set<String> published = new TreeSet<>();
      for (EventType<?> type : EventTypes.all()) {
        if (type.service().equals(service.name())) {
          published.add(type.topic());
        }
      }
      assertThat(new TreeSet<>(service.publishes()))
          .as(as + "topics.publishes = its topics in contracts' EventTypes")
          .isEqualTo(published);
      Set<String> consumed = new TreeSet<>();
      AppConfig.of(service.name()).channels().values().forEach(ch -> consumed.add(ch.topic()));
      assertThat(new TreeSet<>(service.consumes()))
          .as(as + "topics.consumes = the topics of its application.properties' channels")
          .isEqualTo(consumed);
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("valueSets")
  void the_gateway_is_given_every_service_and_the_routes_their_descriptors_declare(
      String label, Path values) throws Exception {
    List<ObjectNode> objects = Chart.objects(values);
    Map<String, String> env = new LinkedHashMap<>();
    for (EnvVar e : WorkloadPolicyTest.appContainer(objects, "gateway").getEnv()) {
      env.put(e.getName(), e.getValue());
    }
    Set<String> upstreams = new TreeSet<>();
    env.keySet().stream()
        .filter(name -> name.startsWith("TESSERA_GATEWAY_UPSTREAMS_"))
        .forEach(
            name ->
                upstreams.add(
                    name.substring("TESSERA_GATEWAY_UPSTREAMS_".length())
                        .toLowerCase(Locale.ROOT)));
    assertThat(upstreams).as("upstreams").isEqualTo(new TreeSet<>(Repo.SERVICES));
    assertThat(split(env.get("TESSERA_GATEWAY_ROUTES_PUBLIC_READS")))
        .as("public reads")
        .containsExactlyInAnyOrderElementsOf(Repo.REGISTRY.publicReads());
    assertThat(split(env.get("TESSERA_GATEWAY_ROUTES_AUTH")))
        .as("auth routes")
        .containsExactlyInAnyOrderElementsOf(Repo.REGISTRY.authRoutes());
    assertThat(split(env.get("QUARKUS_MICROMETER_BINDER_HTTP_SERVER_MATCH_PATTERNS")))
        .as("one metrics uri per service")
        .containsExactlyInAnyOrderElementsOf(
            Repo.REGISTRY.services().stream().map(s -> s.prefix() + "/.*=" + s.prefix()).toList());
  }

  private static List<String> split(String value) {
    return value == null || value.isEmpty() ? List.of() : Arrays.asList(value.split(","));
  }
}
