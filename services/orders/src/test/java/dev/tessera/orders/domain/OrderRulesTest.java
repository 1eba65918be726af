package dev.tessera.orders.domain;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class OrderRulesTest {

  private static final Map<String, Product> CATALOG =
      Map.of(
          "MUG", new Product("MUG", "Mug", new Price(1290, "EUR")),
          "TEE", new Product("TEE", "T-shirt", new Price(2490, "EUR")),
          "USD-CAP", new Product("USD-CAP", "Cap", new Price(1500, "USD")));

  @Test
  void prices_each_line_from_the_catalog_and_totals_them() {
    PricedOrder order =
        OrderRules.price(
            List.of(new RequestedLine("MUG", 2), new RequestedLine("TEE", 1)), CATALOG);
    assertThat(order.total()).isEqualTo(new Price(2 * 1290 + 2490, "EUR"));
    assertThat(order.lines())
        .extracting(PricedLine::sku, PricedLine::name, PricedLine::quantity)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple("MUG", "Mug", 2),
            org.assertj.core.groups.Tuple.tuple("TEE", "T-shirt", 1));
  }

  @Test
  void quantities_outside_one_to_a_hundred_are_malformed() {
    List<FieldViolation> violations =
        OrderRules.checkShape(
            List.of(
                new RequestedLine("MUG", 0),
                new RequestedLine("TEE", 101),
                new RequestedLine("A", 1),
                new RequestedLine("B", 100),
                new RequestedLine("C", -5)));
    assertThat(violations)
        .extracting(FieldViolation::field)
        .containsExactly("items[0].quantity", "items[1].quantity", "items[4].quantity");
  }

  @Test
  void an_order_needs_one_to_twenty_lines() {
    assertThat(OrderRules.checkShape(null))
        .extracting(FieldViolation::field)
        .containsExactly("items");
    assertThat(OrderRules.checkShape(List.of()))
        .extracting(FieldViolation::field)
        .containsExactly("items");
    List<RequestedLine> twenty = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      twenty.add(new RequestedLine("SKU-" + i, 1));
    }
    assertThat(OrderRules.checkShape(twenty)).isEmpty();
    twenty.add(new RequestedLine("SKU-20", 1));
    assertThat(OrderRules.checkShape(twenty))
        .extracting(FieldViolation::field)
        .containsExactly("items");
  }

  @Test
  void a_sku_on_two_lines_missing_parts_and_null_lines_are_malformed() {
    List<FieldViolation> violations =
        OrderRules.checkShape(
            Arrays.asList(
                new RequestedLine("MUG", 1),
                new RequestedLine("MUG", 2),
                new RequestedLine(" ", 1),
                new RequestedLine("TEE", null),
                null,
                new RequestedLine("X".repeat(65), 1)));
    assertThat(violations)
        .extracting(FieldViolation::field)
        .containsExactly(
            "items[1].sku", "items[2].sku", "items[3].quantity", "items[4]", "items[5].sku");
  }

  @Test
  void unknown_skus_are_unprocessable_and_all_of_them_are_named() {
    assertThatThrownBy(
            () ->
                OrderRules.price(
                    List.of(
                        new RequestedLine("NOPE", 1),
                        new RequestedLine("MUG", 1),
                        new RequestedLine("GONE", 1)),
                    CATALOG))
        .isInstanceOfSatisfying(
            InvalidOrderException.class,
            e -> {
              assertThat(e.kind()).isEqualTo(InvalidOrderException.Kind.UNPROCESSABLE);
              assertThat(e.violations())
                  .extracting(FieldViolation::field)
                  .containsExactly("items[0].sku", "items[2].sku");
            });
  }

  @Test
  void a_malformed_order_is_refused_before_the_catalog_is_consulted() {
    assertThatThrownBy(() -> OrderRules.price(List.of(new RequestedLine("NOPE", 0)), CATALOG))
        .isInstanceOfSatisfying(
            InvalidOrderException.class,
            e -> assertThat(e.kind()).isEqualTo(InvalidOrderException.Kind.MALFORMED));
  }

  @Test
  void one_order_has_one_currency() {
    assertThatThrownBy(
            () ->
                OrderRules.price(
                    List.of(new RequestedLine("MUG", 1), new RequestedLine("USD-CAP", 1)), CATALOG))
        .isInstanceOfSatisfying(
            InvalidOrderException.class,
            e -> assertThat(e.violations().get(0).field()).isEqualTo("items[1].sku"));
  }
}
