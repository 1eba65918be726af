package dev.tessera.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ServiceRegistryTest {

  private static final String SHIPPING =
      """
      name: shipping
      portIndex: 5
      routes:
        public: [/api/shipping/rates]
        auth: []
      topics:
        publishes: [shipping.shipment.events]
        consumes: []
      needs:
        redis: false
        smtp: false
      """;

  @TempDir Path repository;

  private Path write(String directory, String yaml) throws IOException {
    Path file = repository.resolve("services").resolve(directory).resolve("service.yaml");
    Files.createDirectories(file.getParent());
    Files.writeString(file, yaml);
    return file;
  }

  private ServiceDescriptor readShipping(String yaml) throws IOException {
    return ServiceRegistry.read(write("shipping", yaml), "services/shipping/service.yaml");
  }

  @Test
  void the_services_of_this_repository_keep_their_order_ports_and_routes() {
    ServiceRegistry registry = ServiceRegistry.discover(Path.of("../..").toAbsolutePath());
    assertThat(registry.services())
        .extracting(ServiceDescriptor::name, ServiceDescriptor::portIndex)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple("identity", 1),
            org.assertj.core.groups.Tuple.tuple("orders", 2),
            org.assertj.core.groups.Tuple.tuple("billing", 3),
            org.assertj.core.groups.Tuple.tuple("notifications", 4));
    assertThat(registry.publicReads())
        .containsExactlyInAnyOrder("/api/identity/.well-known/jwks.json", "/api/orders/catalog");
    assertThat(registry.authRoutes())
        .containsExactlyInAnyOrder(
            "POST /api/identity/users",
            "POST /api/identity/tokens",
            "POST /api/identity/tokens/refresh");
    assertThat(registry.byName("notifications").orElseThrow().smtp()).isTrue();
    assertThat(registry.byName("orders").orElseThrow().module()).isEqualTo("services/orders");
  }

  @Test
  void a_full_descriptor_reads_every_field() throws IOException {
    ServiceDescriptor shipping =
        readShipping(
            """
            name: shipping
            portIndex: 5
            routes:
              public: [/api/shipping/rates]
              auth: [POST /api/shipping/keys]
            topics:
              publishes: [shipping.shipment.events]
              consumes: [orders.order.events]
            needs:
              redis: true
              smtp: false
            """);
    assertThat(shipping)
        .isEqualTo(
            new ServiceDescriptor(
                "shipping",
                "services/shipping",
                5,
                java.util.List.of("/api/shipping/rates"),
                java.util.List.of("POST /api/shipping/keys"),
                java.util.List.of("shipping.shipment.events"),
                java.util.List.of("orders.order.events"),
                true,
                false));
    assertThat(shipping.prefix()).isEqualTo("/api/shipping");
  }

  @Test
  void routes_topics_and_needs_may_be_left_out() throws IOException {
    ServiceDescriptor shipping = readShipping("name: shipping\nportIndex: 5\n");
    assertThat(shipping.publicReads()).isEmpty();
    assertThat(shipping.authRoutes()).isEmpty();
    assertThat(shipping.publishes()).isEmpty();
    assertThat(shipping.consumes()).isEmpty();
    assertThat(shipping.redis()).isFalse();
    assertThat(shipping.smtp()).isFalse();
  }

  @Test
  void a_descriptor_without_a_name_is_refused_naming_its_file() throws IOException {
    assertThatThrownBy(() -> readShipping("portIndex: 5\n"))
        .isInstanceOf(DescriptorException.class)
        .hasMessage("services/shipping/service.yaml: name: missing");
  }

  @Test
  void a_name_that_is_not_a_lowercase_word_or_not_its_directory_is_refused() throws IOException {
    assertThatThrownBy(() -> readShipping("name: Shipping-Zones\nportIndex: 5\n"))
        .hasMessageStartingWith("services/shipping/service.yaml: name: 'Shipping-Zones' is not")
        .hasMessageContaining("lowercase word");
    assertThatThrownBy(() -> readShipping("name: parcels\nportIndex: 5\n"))
        .hasMessageStartingWith("services/shipping/service.yaml: name: 'parcels'")
        .hasMessageContaining("in shipping/");
  }

  @Test
  void a_port_index_that_is_missing_not_a_number_or_out_of_range_is_refused() throws IOException {
    assertThatThrownBy(() -> readShipping("name: shipping\n"))
        .hasMessage("services/shipping/service.yaml: portIndex: missing");
    assertThatThrownBy(() -> readShipping("name: shipping\nportIndex: five\n"))
        .hasMessageStartingWith("services/shipping/service.yaml: portIndex: not a whole number");
    assertThatThrownBy(() -> readShipping("name: shipping\nportIndex: 10\n"))
        .hasMessage("services/shipping/service.yaml: portIndex: 10 is not between 1 and 9");
  }

  @Test
  void an_unknown_key_is_refused_so_a_typo_is_not_silently_ignored() throws IOException {
    assertThatThrownBy(() -> readShipping(SHIPPING.replace("public:", "pubic:")))
        .hasMessageStartingWith("services/shipping/service.yaml: routes.pubic: unknown key");
    assertThatThrownBy(() -> readShipping(SHIPPING + "database: true\n"))
        .hasMessageStartingWith("services/shipping/service.yaml: database: unknown key");
  }

  @Test
  void a_route_outside_the_services_own_prefix_is_refused() throws IOException {
    assertThatThrownBy(
            () -> readShipping(SHIPPING.replace("/api/shipping/rates", "/api/orders/catalog")))
        .hasMessage(
            "services/shipping/service.yaml: routes.public: '/api/orders/catalog' is not a plain"
                + " path under /api/shipping/, which the service owns");
    assertThatThrownBy(
            () -> readShipping(SHIPPING.replace("/api/shipping/rates", "/api/shipping/../orders")))
        .hasMessageStartingWith(
            "services/shipping/service.yaml: routes.public: '/api/shipping/../");
    assertThatThrownBy(
            () -> readShipping(SHIPPING.replace("auth: []", "auth: [/api/shipping/keys]")))
        .hasMessageStartingWith(
            "services/shipping/service.yaml: routes.auth: '/api/shipping/keys' is not \"METHOD");
    assertThatThrownBy(
            () -> readShipping(SHIPPING.replace("auth: []", "auth: [POST /api/identity/tokens]")))
        .hasMessageStartingWith(
            "services/shipping/service.yaml: routes.auth: '/api/identity/tokens'");
  }

  @Test
  void a_service_publishes_only_its_own_topics_and_consumes_only_others() throws IOException {
    assertThatThrownBy(
            () ->
                readShipping(
                    SHIPPING.replace("[shipping.shipment.events]", "[orders.order.events]")))
        .hasMessageStartingWith(
            "services/shipping/service.yaml: topics.publishes: 'orders.order.events' is not one of"
                + " its own topics");
    assertThatThrownBy(
            () ->
                readShipping(
                    SHIPPING.replace("consumes: []", "consumes: [shipping.shipment.events]")))
        .hasMessage(
            "services/shipping/service.yaml: topics.consumes: 'shipping.shipment.events' is its own"
                + " topic");
    assertThatThrownBy(() -> readShipping(SHIPPING.replace("consumes: []", "consumes: [orders]")))
        .hasMessageStartingWith(
            "services/shipping/service.yaml: topics.consumes: 'orders' is not a topic");
  }

  @Test
  void needs_are_true_or_false() throws IOException {
    assertThatThrownBy(() -> readShipping(SHIPPING.replace("redis: false", "redis: yes please")))
        .hasMessageStartingWith("services/shipping/service.yaml: needs.redis: not true or false");
  }

  @Test
  void a_file_that_is_not_yaml_or_not_a_mapping_is_refused_naming_it() throws IOException {
    assertThatThrownBy(() -> readShipping("name: [shipping\n"))
        .isInstanceOf(DescriptorException.class)
        .hasMessageStartingWith("services/shipping/service.yaml: not valid YAML");
    assertThatThrownBy(() -> readShipping("- shipping\n"))
        .hasMessageStartingWith("services/shipping/service.yaml: not a mapping");
    assertThatThrownBy(() -> readShipping("name: shipping\nname: parcels\nportIndex: 5\n"))
        .hasMessageStartingWith("services/shipping/service.yaml: not valid YAML");
  }

  @Test
  void discovery_finds_every_descriptor_in_port_order_and_skips_modules_without_one()
      throws IOException {
    write("shipping", SHIPPING);
    write(
        "ledger", "name: ledger\nportIndex: 2\ntopics:\n  consumes: [shipping.shipment.events]\n");
    Files.createDirectories(repository.resolve("services/src"));
    Files.writeString(repository.resolve("services/pom.xml"), "<project/>");
    assertThat(ServiceRegistry.discover(repository).services())
        .extracting(ServiceDescriptor::name)
        .containsExactly("ledger", "shipping");
  }

  @Test
  void two_services_on_one_port_index_are_refused() throws IOException {
    write("shipping", SHIPPING);
    write("ledger", "name: ledger\nportIndex: 5\n");
    assertThatThrownBy(() -> ServiceRegistry.discover(repository))
        .isInstanceOf(DescriptorException.class)
        .hasMessage(
            "services/shipping/service.yaml: portIndex: 5 is ledger's already; each needs its own");
  }

  @Test
  void consuming_a_topic_no_service_publishes_is_refused() throws IOException {
    write("shipping", SHIPPING.replace("consumes: []", "consumes: [orders.order.events]"));
    assertThatThrownBy(() -> ServiceRegistry.discover(repository))
        .hasMessageStartingWith(
            "services/shipping/service.yaml: topics.consumes: no service publishes"
                + " 'orders.order.events'");
  }

  @Test
  void a_checkout_without_descriptors_is_refused() throws IOException {
    Files.createDirectories(repository.resolve("services/shipping"));
    assertThatThrownBy(() -> ServiceRegistry.discover(repository))
        .isInstanceOf(DescriptorException.class)
        .hasMessageContaining("no service has a service.yaml");
  }
}
