package dev.tessera.billing.domain;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class InvoiceTest {

  @Test
  void totals_sum_the_lines_and_show_what_the_order_priced_differently() {
    List<InvoiceLine> lines =
        List.of(new InvoiceLine("A", "Mug", 2, 1500), new InvoiceLine("B", "Sticker", 1, 999));
    assertThat(InvoiceTotals.of(lines, 3999)).isEqualTo(new InvoiceTotals(3999, 0, 3999));
    assertThat(InvoiceTotals.of(lines, 3500)).isEqualTo(new InvoiceTotals(3999, -499, 3500));
  }

  @Test
  void a_line_amount_that_would_overflow_fails_instead_of_wrapping() {
    InvoiceLine huge = new InvoiceLine("A", "Yacht", Integer.MAX_VALUE, Long.MAX_VALUE / 2);
    assertThatThrownBy(huge::amount).isInstanceOf(ArithmeticException.class);
  }

  @Test
  void only_the_three_test_tokens_are_payment_methods() {
    assertThat(PaymentMethod.isSupported("tok_visa")).isTrue();
    assertThat(PaymentMethod.isSupported("tok_chargeDeclined")).isTrue();
    assertThat(PaymentMethod.isSupported("tok_insufficientFunds")).isTrue();
    // Bad input tried: another card brand, a different case, empty, null.
    assertThat(PaymentMethod.isSupported("tok_mastercard")).isFalse();
    assertThat(PaymentMethod.isSupported("TOK_VISA")).isFalse();
    assertThat(PaymentMethod.isSupported("")).isFalse();
    assertThat(PaymentMethod.isSupported(null)).isFalse();
  }
}
