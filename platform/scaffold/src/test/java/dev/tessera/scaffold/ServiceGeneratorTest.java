package dev.tessera.scaffold;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tessera.registry.ServiceRegistry;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The generator on a copy of this checkout's files it reads and edits (the descriptors, the module
 * list, the chart's values, EventTypes and the contract samples). That the generated service
 * builds, passes its tests and runs with the rest is e2e-tests' NewServiceIT.
 */
class ServiceGeneratorTest {

  private static final Path REPOSITORY = Path.of("../..").toAbsolutePath().normalize();
  private static final List<String> EDITED =
      List.of(
          "services/pom.xml",
          "e2e-tests/pom.xml",
          "helm/tessera/values.yaml",
          "helm/tessera/ci/dev-values.yaml",
          "helm/tessera/ci/prod-values.yaml",
          "contracts/src/main/java/dev/tessera/contracts/EventTypes.java",
          "contracts/src/test/java/dev/tessera/contracts/SampleEvents.java");

  @TempDir Path checkout;

  @BeforeEach
  void copyTheCheckout() throws IOException {
    for (String file : EDITED) {
      copy(file);
    }
    try (Stream<Path> services = Files.list(REPOSITORY.resolve("services"))) {
      for (Path dir : services.filter(Files::isDirectory).toList()) {
        if (Files.exists(dir.resolve(ServiceRegistry.DESCRIPTOR))) {
          copy("services/" + dir.getFileName() + "/" + ServiceRegistry.DESCRIPTOR);
        }
      }
    }
  }

  @Test
  void a_consumer_and_publisher_gets_its_module_contract_and_the_lines_that_list_it()
      throws IOException {
    var generated =
        ServiceGenerator.generate(
            checkout,
            new NewService("shipping", List.of("orders.order.events"), Optional.of("shipment")));

    assertThat(generated.portIndex()).isEqualTo(5);
    assertThat(generated.created())
        .map(Path::toString)
        .contains(
            "services/shipping/service.yaml",
            "services/shipping/src/main/java/dev/tessera/shipping/api/ShipmentResource.java",
            "services/shipping/src/main/java/dev/tessera/shipping/events/ShippingEventsConsumer.java",
            "services/shipping/src/test/java/dev/tessera/shipping/it/ConsumedEventsTest.java",
            "contracts/src/main/java/dev/tessera/contracts/shipping/ShipmentCreated.java",
            "contracts/src/main/resources/schemas/shipping/ShipmentCreated.json",
            "contracts/src/test/resources/released/shipping/ShipmentCreated.v1.json");
    assertThat(generated.changed()).map(Path::toString).containsExactlyInAnyOrderElementsOf(EDITED);

    // The registry reads the new descriptor with the others.
    var shipping = ServiceRegistry.discover(checkout).byName("shipping").orElseThrow();
    assertThat(shipping.publishes()).containsExactly("shipping.shipment.events");
    assertThat(shipping.consumes()).containsExactly("orders.order.events");

    String consumer =
        read(
            "services/shipping/src/main/java/dev/tessera/shipping/events/ShippingEventsConsumer.java");
    assertThat(consumer)
        .contains(
            ".on(EventTypes.ORDER_PLACED, this::record)",
            ".on(EventTypes.ORDER_CONFIRMED, this::record)",
            ".on(EventTypes.ORDER_CANCELLED, this::record)",
            "@Incoming(\"orders-order-events\")");
    assertThat(read("services/shipping/src/main/resources/application.properties"))
        .contains(
            "mp.messaging.incoming.orders-order-events.topic=orders.order.events",
            "mp.messaging.incoming.orders-order-events.group.id=shipping",
            "dead-letter-queue.topic=orders.order.events.shipping.dlq")
        .doesNotContain("OutboxCaptureCheck");
    assertThat(read("services/pom.xml")).contains("<module>shipping</module>");
    // Built before the end-to-end tests also in a parallel build (-T 2).
    assertThat(read("e2e-tests/pom.xml"))
        .containsPattern(
            "(?s)<artifactId>tessera-shipping</artifactId>\\s*<version>\\$\\{project.version}"
                + "</version>\\s*<type>pom</type>.*tessera: apps the launcher starts");
    assertThat(read("contracts/src/main/java/dev/tessera/contracts/EventTypes.java"))
        .contains("import dev.tessera.contracts.shipping.ShipmentCreated;")
        .contains("SHIPMENT_CREATED =")
        .containsPattern("PAYMENT_REFUNDED,\\s+SHIPMENT_CREATED\\);");
    assertThat(read("helm/tessera/values.yaml"))
        .containsPattern(
            "(?s)\\n"
                + "  shipping:\\n"
                + ".*group: shipping\\n"
                + ".*- orders.order.events\\n"
                + ".*outbox: true\\n"
                + "\\n"
                + "# -- KEDA")
        // The chart creates the topic and lets shipping's outbox user write it.
        .contains("    - billing.payment.events\n    - shipping.shipment.events\n");
    // Each environment sizes it as it sizes orders, without anything of orders' own.
    String dev = read("helm/tessera/ci/dev-values.yaml");
    String ordersInDev = dev.substring(dev.indexOf("  orders:\n") + "  orders:\n".length());
    ordersInDev = ordersInDev.substring(0, ordersInDev.indexOf("\n  billing:"));
    assertThat(dev)
        .contains("  shipping:\n" + ordersInDev + "\n")
        .contains("pdb: {minAvailable: 0}");
    assertThat(read("helm/tessera/ci/prod-values.yaml"))
        .containsPattern(
            "  shipping:\n    pdb: \\{minAvailable: 1\\}\n    autoscaling: [^\n]+\nkafka:");
  }

  @Test
  void a_service_that_only_reads_the_api_gets_no_event_no_consumer_and_no_connector()
      throws IOException {
    var generated =
        ServiceGenerator.generate(
            checkout, new NewService("wishlist", List.of(), Optional.empty()));

    assertThat(generated.created())
        .map(Path::toString)
        .contains("services/wishlist/src/main/java/dev/tessera/wishlist/api/WishlistResource.java")
        .noneMatch(path -> path.startsWith("contracts/") || path.contains("/events/"))
        .noneMatch(path -> path.endsWith("ConsumedEventsTest.java"));
    assertThat(generated.changed())
        .map(Path::toString)
        .containsExactlyInAnyOrder(
            "services/pom.xml",
            "e2e-tests/pom.xml",
            "helm/tessera/values.yaml",
            "helm/tessera/ci/dev-values.yaml",
            "helm/tessera/ci/prod-values.yaml");
    assertThat(read("services/wishlist/src/main/resources/application.properties"))
        .contains("quarkus.arc.exclude-types=dev.tessera.eventing.outbox.OutboxCaptureCheck")
        .doesNotContain("mp.messaging");
    assertThat(read("services/wishlist/src/main/resources/db/migration/V1__wishlist.sql"))
        .contains("create table wishlist (")
        .doesNotContain("received_event");
  }

  @Test
  void bad_requests_are_refused_with_a_clear_message_and_nothing_is_written() throws IOException {
    Map<String, String> before = snapshot();
    Map<NewService, String> refused =
        Map.of(
            new NewService("Shipping", List.of(), Optional.empty()), "not a lowercase word",
            new NewService("ship-ping", List.of(), Optional.empty()), "not a lowercase word",
            new NewService("orders", List.of(), Optional.empty()), "is taken",
            new NewService("gateway", List.of(), Optional.empty()), "is reserved",
            new NewService("class", List.of(), Optional.empty()), "is reserved",
            new NewService("s", List.of(), Optional.empty()), "2 to 20 characters",
            new NewService("shipping", List.of("shipping.x.events"), Optional.empty()),
                "no service publishes",
            new NewService(
                    "shipping",
                    List.of("orders.order.events", "orders.order.events"),
                    Optional.empty()),
                "given twice",
            new NewService("shipping", List.of(), Optional.of("order")), "is reserved",
            new NewService("shipping", List.of(), Optional.of("Ship")), "not a lowercase word");
    refused.forEach(
        (request, message) ->
            assertThatThrownBy(() -> ServiceGenerator.generate(checkout, request))
                .as(request.toString())
                .isInstanceOf(InvalidServiceRequest.class)
                .hasMessageContaining(message));
    assertThat(snapshot()).isEqualTo(before);
  }

  @Test
  void the_command_line_is_parsed_and_a_missing_value_is_refused_with_the_usage() {
    assertThat(
            NewService.parse(
                List.of(
                    "shipping",
                    "--consumes",
                    "orders.order.events,billing.payment.events",
                    "--publishes",
                    "shipment")))
        .isEqualTo(
            new NewService(
                "shipping",
                List.of("orders.order.events", "billing.payment.events"),
                Optional.of("shipment")));
    assertThatThrownBy(() -> NewService.parse(List.of("shipping", "--publishes")))
        .hasMessageContaining("--publishes needs a value")
        .hasMessageContaining("usage:");
    assertThatThrownBy(() -> NewService.parse(List.of())).hasMessageContaining("no service name");
    assertThatThrownBy(() -> NewService.parse(List.of("a", "b")))
        .hasMessageContaining("unexpected argument 'b'");
  }

  @Test
  void when_every_port_index_is_taken_the_request_is_refused() throws IOException {
    for (int i = 0; i < ServiceRegistry.MAX_PORT_INDEX; i++) {
      var registry = ServiceRegistry.discover(checkout);
      if (registry.services().size() == ServiceRegistry.MAX_PORT_INDEX) {
        break;
      }
      ServiceGenerator.generate(
          checkout, new NewService("extra" + (char) ('a' + i), List.of(), Optional.empty()));
    }
    assertThatThrownBy(
            () ->
                ServiceGenerator.generate(
                    checkout, new NewService("onemore", List.of(), Optional.empty())))
        .hasMessageContaining("no free portIndex");
  }

  private void copy(String file) throws IOException {
    Path target = checkout.resolve(file);
    Files.createDirectories(target.getParent());
    Files.copy(REPOSITORY.resolve(file), target);
  }

  private String read(String file) throws IOException {
    return Files.readString(checkout.resolve(file));
  }

  private Map<String, String> snapshot() throws IOException {
    Map<String, String> files = new TreeMap<>();
    try (Stream<Path> all = Files.walk(checkout)) {
      for (Path file : all.filter(Files::isRegularFile).toList()) {
        files.put(checkout.relativize(file).toString(), Files.readString(file));
      }
    }
    return files;
  }
}
