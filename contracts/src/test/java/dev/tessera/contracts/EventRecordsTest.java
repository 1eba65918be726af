package dev.tessera.contracts;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatNoException;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tessera.contracts.billing.PaymentFailed;
import dev.tessera.contracts.billing.PaymentSucceeded;
import dev.tessera.contracts.identity.UserRegistered;
import dev.tessera.contracts.identity.UserReinstated;
import dev.tessera.contracts.identity.UserSuspended;
import dev.tessera.contracts.orders.OrderCancelled;
import dev.tessera.contracts.orders.OrderLine;
import dev.tessera.contracts.orders.OrderPlaced;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class EventRecordsTest {

  private static final UUID ID = UUID.fromString("0b9d4e7a-5c31-4f28-8a6e-9d2c7b1f3e40");
  private static final Instant NOW = Instant.parse("2025-06-02T14:05:11Z");
  private static final Money PRICE = new Money(1499, "EUR");
  private static final OrderLine LINE = new OrderLine("TSR-MUG-001", "Tessera mug", 1, PRICE);

  @Test
  void money_may_be_zero() {
    assertThat(new Money(0, "EUR").amount()).isZero();
  }

  @Test
  void money_is_never_negative() {
    assertThatThrownBy(() -> new Money(-1, "EUR")).isInstanceOf(IllegalArgumentException.class);
  }

  @ParameterizedTest
  @ValueSource(strings = {"eur", "EURO", "EU", "E1R", ""})
  void a_currency_is_three_upper_case_letters(String currency) {
    assertThatThrownBy(() -> new Money(100, currency)).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void money_needs_a_currency() {
    assertThatThrownBy(() -> new Money(100, null)).isInstanceOf(NullPointerException.class);
  }

  @ParameterizedTest
  @ValueSource(ints = {0, -1})
  void an_order_line_has_a_positive_quantity(int quantity) {
    assertThatThrownBy(() -> new OrderLine("TSR-MUG-001", "Tessera mug", quantity, PRICE))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void an_order_line_has_a_sku_and_a_name() {
    assertThatThrownBy(() -> new OrderLine("", "Tessera mug", 1, PRICE))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new OrderLine("TSR-MUG-001", "", 1, PRICE))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new OrderLine("TSR-MUG-001", "Tessera mug", 1, null))
        .isInstanceOf(NullPointerException.class);
  }

  @Test
  void an_order_has_at_least_one_line() {
    assertThatThrownBy(() -> new OrderPlaced(ID, ID, List.of(), PRICE, NOW))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void an_order_has_no_missing_line() {
    List<OrderLine> lines = new ArrayList<>();
    lines.add(null);

    assertThatThrownBy(() -> new OrderPlaced(ID, ID, lines, PRICE, NOW))
        .isInstanceOf(NullPointerException.class);
  }

  @Test
  void a_placed_order_keeps_its_lines_when_the_callers_list_changes() {
    List<OrderLine> lines = new ArrayList<>(List.of(LINE));
    OrderPlaced event = new OrderPlaced(ID, ID, lines, PRICE, NOW);

    lines.clear();

    assertThat(event.items()).containsExactly(LINE);
    assertThatThrownBy(() -> event.items().add(LINE))
        .isInstanceOf(UnsupportedOperationException.class);
  }

  @Test
  void events_need_their_ids_and_times() {
    assertThatThrownBy(() -> new UserRegistered(null, "a@example.com", "A", NOW))
        .isInstanceOf(NullPointerException.class)
        .hasMessage("userId");
    assertThatThrownBy(() -> new UserReinstated(ID, null))
        .isInstanceOf(NullPointerException.class)
        .hasMessage("reinstatedAt");
    assertThatThrownBy(() -> new OrderPlaced(ID, ID, List.of(LINE), PRICE, null))
        .isInstanceOf(NullPointerException.class)
        .hasMessage("placedAt");
    assertThatThrownBy(() -> new PaymentSucceeded(ID, ID, ID, PRICE, null, NOW))
        .isInstanceOf(NullPointerException.class)
        .hasMessage("invoiceId");
  }

  @Test
  void a_reason_is_never_empty() {
    assertThatThrownBy(() -> new UserSuspended(ID, "", NOW))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new OrderCancelled(ID, ID, "", NOW))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new PaymentFailed(ID, ID, ID, PRICE, "", NOW))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void a_reason_code_added_after_this_build_is_accepted() {
    assertThatNoException().isThrownBy(() -> new PaymentFailed(ID, ID, ID, PRICE, "fraud", NOW));
    assertThatNoException().isThrownBy(() -> new OrderCancelled(ID, ID, "user_suspended", NOW));
  }

  @Test
  void every_event_names_the_id_of_its_aggregate() {
    assertThat(SampleEvents.ORDER_PLACED.aggregateId()).isEqualTo(SampleEvents.ORDER.toString());
    assertThat(SampleEvents.PAYMENT_FAILED.aggregateId())
        .isEqualTo(SampleEvents.PAYMENT.toString());
    assertThat(SampleEvents.USER_REGISTERED.aggregateId()).isEqualTo(SampleEvents.USER.toString());
  }
}
