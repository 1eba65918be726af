package dev.tessera.contracts;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Named.named;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tessera.contracts.billing.PaymentFailed;
import dev.tessera.contracts.identity.UserRegistered;
import dev.tessera.contracts.orders.OrderCancelled;
import dev.tessera.contracts.orders.OrderConfirmed;
import dev.tessera.contracts.orders.OrderPlaced;
import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.api.Named;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

class EventCodecTest {

  private static final OrderPlaced ORDER = SampleEvents.ORDER_PLACED;

  @Test
  void instants_are_written_as_iso_8601_strings() throws IOException {
    OrderConfirmed event =
        new OrderConfirmed(
            SampleEvents.ORDER,
            SampleEvents.USER,
            SampleEvents.PAYMENT,
            Instant.parse("2025-06-02T14:05:12.001Z"));

    JsonNode json = Schemas.JSON.readTree(EventCodec.toJson(event));

    assertThat(json.get("confirmedAt").isTextual()).isTrue();
    assertThat(json.get("confirmedAt").asText()).isEqualTo("2025-06-02T14:05:12.001Z");
  }

  @Test
  void an_instant_with_an_offset_is_read_as_the_same_moment() {
    String json = orderJson(root -> root.put("placedAt", "2025-06-02T16:05:11.274+02:00"));

    assertThat(EventCodec.fromJson(json, OrderPlaced.class)).isEqualTo(ORDER);
  }

  @Test
  void null_values_are_not_written() throws IOException {
    record Probe(String present, String absent) {}

    assertThat(EventCodec.mapper().writeValueAsString(new Probe("x", null)))
        .isEqualTo("{\"present\":\"x\"}");
  }

  @Test
  void unknown_fields_are_ignored_at_every_level() {
    String json =
        orderJson(
            root -> {
              root.put("channel", "mobile");
              root.putObject("coupon").put("code", "SPRING25");
              ((ObjectNode) root.get("total")).put("formatted", "$89.97");
              ((ObjectNode) root.get("items").get(0)).put("imageUrl", "https://cdn/h.png");
            });

    assertThat(EventCodec.fromJson(json, OrderPlaced.class)).isEqualTo(ORDER);
  }

  @Test
  void a_reason_code_this_build_does_not_know_is_read() {
    String json =
        EventCodec.toJson(SampleEvents.PAYMENT_FAILED)
            .replace("insufficient_funds", "fraud_suspected");

    assertThat(EventCodec.fromJson(json, PaymentFailed.class).reason())
        .isEqualTo("fraud_suspected");
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource
  void a_payload_missing_a_required_field_is_invalid(IntegrationEvent event, String pointer)
      throws IOException {
    JsonNode json = Schemas.JSON.readTree(EventCodec.toJson(event));
    int slash = pointer.lastIndexOf('/');
    ((ObjectNode) json.at(pointer.substring(0, slash))).remove(pointer.substring(slash + 1));

    assertInvalid(json.toString(), event.getClass());
  }

  /** Every required property of every schema, nested ones included, removed one at a time. */
  static Stream<Arguments> a_payload_missing_a_required_field_is_invalid() throws IOException {
    List<Arguments> cases = new ArrayList<>();
    for (IntegrationEvent event : SampleEvents.all()) {
      JsonNode schema = Schemas.of(EventTypes.of(event.getClass()));
      JsonNode json = Schemas.JSON.readTree(EventCodec.toJson(event));
      for (String pointer : requiredPointers(schema, schema, json, "")) {
        cases.add(Arguments.of(named(event.getClass().getSimpleName() + pointer, event), pointer));
      }
    }
    return cases.stream();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource
  void a_field_of_the_wrong_type_is_invalid(Consumer<ObjectNode> change) {
    assertInvalid(orderJson(change), OrderPlaced.class);
  }

  static Stream<Named<Consumer<ObjectNode>>> a_field_of_the_wrong_type_is_invalid() {
    return Stream.of(
        named("an id as a number", root -> root.put("orderId", 42)),
        named("an id that is not a UUID", root -> root.put("orderId", "order-42")),
        named("an amount as a string", root -> total(root).put("amount", "89.97")),
        named("an amount with a fraction", root -> total(root).put("amount", 89.97)),
        named("a quantity as a string", root -> line(root).put("quantity", "2")),
        named("a quantity with a fraction", root -> line(root).put("quantity", 1.5)),
        named("a quantity of null", root -> line(root).putNull("quantity")),
        named("a name as a number", root -> line(root).put("name", 7)),
        named("a sku as a boolean", root -> line(root).put("sku", true)),
        named("a total as a string", root -> root.put("total", "USD 89.97")),
        named("items as an object", root -> root.set("items", line(root))),
        named("an instant as epoch seconds", root -> root.put("placedAt", 1748873111L)),
        named("an instant that is not ISO-8601", root -> root.put("placedAt", "02/06/2025")),
        named("an empty instant", root -> root.put("placedAt", "")));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource
  void a_payload_breaking_a_record_rule_is_invalid(Consumer<ObjectNode> change) {
    assertThatThrownBy(() -> EventCodec.fromJson(orderJson(change), OrderPlaced.class))
        .isInstanceOf(InvalidEventException.class)
        .hasRootCauseInstanceOf(IllegalArgumentException.class);
  }

  static Stream<Named<Consumer<ObjectNode>>> a_payload_breaking_a_record_rule_is_invalid() {
    return Stream.of(
        named("no items", root -> root.putArray("items")),
        named("a quantity of zero", root -> line(root).put("quantity", 0)),
        named("a negative amount", root -> total(root).put("amount", -1)),
        named("a lower-case currency", root -> total(root).put("currency", "usd")),
        named("an empty sku", root -> line(root).put("sku", "")));
  }

  @ParameterizedTest(name = "[{index}] {0}")
  @ValueSource(
      strings = {
        "",
        "   ",
        "not json",
        "{",
        "{\"orderId\": }",
        "[]",
        "42",
        "\"OrderPlaced\"",
        "null",
        "{}",
      })
  void garbage_is_invalid(String payload) {
    assertInvalid(payload, OrderPlaced.class);
  }

  @Test
  void a_valid_payload_followed_by_more_text_is_invalid() {
    assertInvalid(EventCodec.toJson(ORDER) + " {}", OrderPlaced.class);
  }

  @Test
  void a_payload_with_a_repeated_field_is_invalid() {
    String json = EventCodec.toJson(ORDER);
    String repeated = "{\"orderId\":\"" + SampleEvents.PAYMENT + "\"," + json.substring(1);

    assertInvalid(repeated, OrderPlaced.class);
  }

  @Test
  void a_null_payload_is_invalid() {
    assertInvalid(null, OrderPlaced.class);
  }

  @Test
  void a_payload_of_another_event_type_is_invalid() {
    assertInvalid(EventCodec.toJson(ORDER), OrderCancelled.class);
  }

  @Test
  void the_message_of_an_invalid_payload_names_the_type_but_not_the_personal_data() {
    String json = EventCodec.toJson(SampleEvents.USER_REGISTERED).replace("\"userId\"", "\"user\"");

    assertThatThrownBy(() -> EventCodec.fromJson(json, UserRegistered.class))
        .isInstanceOf(InvalidEventException.class)
        .hasMessageContaining("UserRegistered")
        .hasMessageNotContaining("grace.hopper@example.org");
  }

  private static void assertInvalid(String payload, Class<? extends IntegrationEvent> type) {
    assertThatThrownBy(() -> EventCodec.fromJson(payload, type))
        .isInstanceOf(InvalidEventException.class)
        .hasMessageContaining(type.getSimpleName());
  }

  private static String orderJson(Consumer<ObjectNode> change) {
    try {
      ObjectNode root = (ObjectNode) Schemas.JSON.readTree(EventCodec.toJson(ORDER));
      change.accept(root);
      return root.toString();
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  private static ObjectNode total(ObjectNode root) {
    return (ObjectNode) root.get("total");
  }

  private static ObjectNode line(ObjectNode root) {
    return (ObjectNode) root.get("items").get(0);
  }

  /** JSON pointers, into {@code json}, of every property some (sub)schema requires. */
  private static List<String> requiredPointers(
      JsonNode root, JsonNode schema, JsonNode json, String path) {
    while (schema.has("$ref")) {
      schema = root.at(schema.get("$ref").asText().substring(1));
    }
    List<String> pointers = new ArrayList<>();
    if (json.isObject()) {
      schema.path("required").forEach(name -> pointers.add(path + "/" + name.asText()));
      for (Iterator<String> names = json.fieldNames(); names.hasNext(); ) {
        String name = names.next();
        pointers.addAll(
            requiredPointers(
                root, schema.path("properties").path(name), json.get(name), path + "/" + name));
      }
    } else if (json.isArray() && !json.isEmpty()) {
      pointers.addAll(requiredPointers(root, schema.path("items"), json.get(0), path + "/0"));
    }
    return pointers;
  }
}
