package dev.tessera.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tessera.contracts.EventType;
import dev.tessera.contracts.EventTypes;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ServicesTest {

  private static final Path REPOSITORY = Path.of("../..").toAbsolutePath().normalize();

  private final Services services = Services.discover(REPOSITORY);

  @Test
  void the_domain_services_start_in_the_order_and_on_the_ports_they_always_had() {
    assertThat(services.domain())
        .extracting(Services.Service::name, Services.Service::index, Services.Service::module)
        // startsWith: a service added by ./tessera new-service comes after them.
        .startsWith(
            org.assertj.core.groups.Tuple.tuple("identity", 1, "services/identity"),
            org.assertj.core.groups.Tuple.tuple("orders", 2, "services/orders"),
            org.assertj.core.groups.Tuple.tuple("billing", 3, "services/billing"),
            org.assertj.core.groups.Tuple.tuple("notifications", 4, "services/notifications"));
    assertThat(services.domain()).allMatch(Services.Service::hasDatabase);
  }

  @Test
  void a_service_with_a_descriptor_is_run_without_editing_any_list(@TempDir Path checkout)
      throws Exception {
    Path descriptor = checkout.resolve("services/shipping/service.yaml");
    Files.createDirectories(descriptor.getParent());
    Files.writeString(
        descriptor, "name: shipping\nportIndex: 5\nroutes:\n  public: [/api/shipping/rates]\n");
    Services found = Services.discover(checkout);
    assertThat(found.all())
        .extracting(Services.Service::name)
        .containsExactly("shipping", "gateway");
    assertThat(found.gatewayRoutes())
        .containsEntry("tessera.gateway.routes.public-reads", "/api/shipping/rates")
        .doesNotContainKey("tessera.gateway.routes.auth")
        .containsEntry(
            "quarkus.micrometer.binder.http-server.match-patterns",
            "/api/shipping/.*=/api/shipping");
  }

  @Test
  void the_gateway_is_given_the_route_table_the_descriptors_describe() {
    Map<String, String> routes = services.gatewayRoutes();
    assertThat(routes.get("tessera.gateway.routes.public-reads").split(","))
        .containsExactlyInAnyOrder("/api/identity/.well-known/jwks.json", "/api/orders/catalog");
    assertThat(routes.get("tessera.gateway.routes.auth").split(","))
        .containsExactlyInAnyOrder(
            "POST /api/identity/users",
            "POST /api/identity/tokens",
            "POST /api/identity/tokens/refresh");
    assertThat(routes.get("quarkus.micrometer.binder.http-server.match-patterns"))
        .startsWith(
            "/api/identity/.*=/api/identity,/api/orders/.*=/api/orders,"
                + "/api/billing/.*=/api/billing,/api/notifications/.*=/api/notifications");
  }

  @Test
  void every_module_the_build_makes_under_services_has_a_descriptor_and_none_is_missed()
      throws Exception {
    // A module without a service.yaml would be built but never run; a descriptor whose module the
    // build skips would be run from a stale or missing jar.
    var modules = new TreeSet<String>();
    var matcher =
        java.util.regex.Pattern.compile("<module>([^<]+)</module>")
            .matcher(Files.readString(REPOSITORY.resolve("services/pom.xml")));
    while (matcher.find()) {
      modules.add(matcher.group(1).trim());
    }
    assertThat(modules)
        .isEqualTo(new TreeSet<>(services.domain().stream().map(Services.Service::name).toList()));
  }

  @Test
  void every_descriptor_publishes_exactly_the_topics_its_contracts_define() {
    Map<String, Set<String>> contracts = new TreeMap<>();
    for (EventType<?> type : EventTypes.all()) {
      contracts.computeIfAbsent(type.service(), s -> new TreeSet<>()).add(type.topic());
    }
    Map<String, Set<String>> descriptors = new TreeMap<>();
    services
        .registry()
        .services()
        .forEach(
            d -> {
              if (!d.publishes().isEmpty()) {
                descriptors.put(d.name(), new TreeSet<>(d.publishes()));
              }
            });
    assertThat(descriptors).isEqualTo(contracts);
  }

  /**
   * What an earlier release parked is applied by the consumer's handlers, which {@code
   * IdempotentConsumer.register} learns when the consumer bean is created: a bean created by its
   * first record would leave the parked records of a quiet partition waiting (VersionSkewIT).
   */
  @Test
  void every_event_consumer_of_every_service_is_created_at_start() throws Exception {
    Set<String> lazy = new TreeSet<>();
    for (Services.Service service : Services.discover(REPOSITORY).domain()) {
      Path sources = REPOSITORY.resolve(service.module()).resolve("src/main/java");
      try (var files = Files.walk(sources)) {
        for (Path file : files.filter(f -> f.toString().endsWith(".java")).toList()) {
          String code = Files.readString(file);
          if (code.contains("@Incoming(")
              && code.contains("IdempotentConsumer")
              && !code.contains("\n@Startup\n")) {
            lazy.add(REPOSITORY.relativize(file).toString());
          }
        }
      }
    }
    assertThat(lazy).as("consumers without @Startup").isEmpty();
  }

  /**
   * A native query that selects {@code *} into an entity breaks on the day a migration adds a
   * column the entity does not map — for the release that adds it and, worse, for the previous
   * release running on the new schema during a rollout or after a rollback: Hibernate Reactive
   * fails the whole query. Orders' saga deadline did, on the {@code shard} column (issue 20).
   */
  @Test
  void no_service_reads_rows_with_select_star() throws Exception {
    Pattern selectStar = Pattern.compile("(?i)\\bselect\\s+\\*");
    Set<String> found = new TreeSet<>();
    for (Services.Service service : Services.discover(REPOSITORY).domain()) {
      Path sources = REPOSITORY.resolve(service.module()).resolve("src/main/java");
      try (var files = Files.walk(sources)) {
        for (Path file : files.filter(f -> f.toString().endsWith(".java")).toList()) {
          if (selectStar.matcher(Files.readString(file)).find()) {
            found.add(REPOSITORY.relativize(file).toString());
          }
        }
      }
    }
    assertThat(found).as("name the columns instead of select *").isEmpty();
  }
}
