package dev.tessera.contracts;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.lang.reflect.Modifier;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;

class EventTypesTest {

  static List<EventType<?>> eventTypes() {
    return EventTypes.all();
  }

  @Test
  void the_topics_are_one_per_aggregate() {
    // contains, not containsExactly: a service added by ./tessera new-service adds its own.
    assertThat(EventTypes.topics())
        .contains("billing.payment.events", "identity.user.events", "orders.order.events")
        .containsExactlyInAnyOrderElementsOf(
            EventTypes.all().stream().map(EventType::topic).distinct().toList());
  }

  @Test
  void the_publishers_are_the_services_that_own_an_event_type() {
    assertThat(EventTypes.publishers())
        .contains("billing", "identity", "orders")
        .doesNotContain("notifications")
        .containsExactlyInAnyOrderElementsOf(
            EventTypes.all().stream().map(EventType::service).distinct().toList());
  }

  @Test
  void the_constants_have_the_topics_of_their_services() {
    assertThat(EventTypes.USER_REGISTERED.topic()).isEqualTo("identity.user.events");
    assertThat(EventTypes.USER_SUSPENDED.topic()).isEqualTo("identity.user.events");
    assertThat(EventTypes.USER_REINSTATED.topic()).isEqualTo("identity.user.events");
    assertThat(EventTypes.ORDER_PLACED.topic()).isEqualTo("orders.order.events");
    assertThat(EventTypes.ORDER_CONFIRMED.topic()).isEqualTo("orders.order.events");
    assertThat(EventTypes.ORDER_CANCELLED.topic()).isEqualTo("orders.order.events");
    assertThat(EventTypes.PAYMENT_SUCCEEDED.topic()).isEqualTo("billing.payment.events");
    assertThat(EventTypes.PAYMENT_FAILED.topic()).isEqualTo("billing.payment.events");
    assertThat(EventTypes.PAYMENT_REFUNDED.topic()).isEqualTo("billing.payment.events");
  }

  @Test
  void the_schema_resource_follows_service_and_name() {
    assertThat(EventTypes.ORDER_PLACED.schemaResource())
        .isEqualTo("schemas/orders/OrderPlaced.json");
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("eventTypes")
  void every_event_type_has_a_schema_resource(EventType<?> type) {
    assertThat(EventType.class.getClassLoader().getResource(type.schemaResource()))
        .as(type.schemaResource())
        .isNotNull();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("eventTypes")
  void every_event_type_is_found_by_its_name_and_by_its_record(EventType<?> type) {
    assertThat(EventTypes.byName(type.name())).containsSame(type);
    assertThat(EventTypes.of(type.javaType())).isSameAs(type);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("eventTypes")
  void every_event_type_is_named_after_its_record_in_its_services_package(EventType<?> type) {
    assertThat(type.javaType().getSimpleName()).isEqualTo(type.name());
    assertThat(type.javaType().getPackageName())
        .isEqualTo("dev.tessera.contracts." + type.service());
  }

  @Test
  void an_unknown_name_is_not_found() {
    assertThat(EventTypes.byName("OrderShipped")).isEmpty();
    assertThat(EventTypes.byName("orderplaced")).isEmpty();
  }

  @Test
  void a_missing_name_is_not_found() {
    assertThat(EventTypes.byName(null)).isEmpty();
  }

  @Test
  void an_unregistered_record_is_rejected() {
    assertThatThrownBy(() -> EventTypes.of(Stray.class))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining(Stray.class.getName());
  }

  @Test
  void the_registry_covers_every_integration_event_record() throws IOException {
    Set<Class<?>> registered =
        EventTypes.all().stream().map(EventType::javaType).collect(Collectors.toSet());

    assertThat(integrationEventClassesOfThisModule()).isEqualTo(registered);
  }

  @ParameterizedTest(name = "{0}, {1}, {2}")
  @CsvSource({
    "Orders, order, OrderPlaced",
    "orders, order-line, OrderPlaced",
    "orders, order, orderPlaced",
    "orders, order, Order.Placed",
  })
  void an_event_type_that_would_give_a_bad_topic_or_schema_path_is_rejected(
      String service, String aggregate, String name) {
    assertThatThrownBy(() -> new EventType<>(service, aggregate, name, Stray.class))
        .isInstanceOf(IllegalArgumentException.class);
  }

  /** Every concrete IntegrationEvent compiled into the main classes, found by walking them. */
  private static Set<Class<?>> integrationEventClassesOfThisModule() throws IOException {
    Path root = Schemas.classpathRoot(EventType.class);
    try (Stream<Path> files = Files.walk(root.resolve("dev/tessera/contracts"))) {
      return files
          .map(root::relativize)
          .map(Path::toString)
          .filter(file -> file.endsWith(".class"))
          .map(file -> file.substring(0, file.length() - ".class".length()).replace('/', '.'))
          .map(EventTypesTest::load)
          .filter(IntegrationEvent.class::isAssignableFrom)
          .filter(type -> !type.isInterface() && !Modifier.isAbstract(type.getModifiers()))
          .collect(Collectors.toSet());
    }
  }

  private static Class<?> load(String name) {
    try {
      return Class.forName(name, false, EventTypesTest.class.getClassLoader());
    } catch (ClassNotFoundException e) {
      throw new IllegalStateException(e);
    }
  }

  /** An event record that nobody registered. */
  private record Stray(String id) implements IntegrationEvent {
    @Override
    public String aggregateId() {
      return id;
    }
  }
}
