package dev.tessera.billing.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

/**
 * An invoice.
 *
 * @param id the invoice
 * @param number its number, e.g. INV-2026-000042
 * @param orderId the order it bills
 * @param paymentId the payment that paid it
 * @param subtotal the sum of the lines
 * @param total what was charged
 * @param issuedAt when it was issued
 * @param lines what was bought; only on a single invoice, not in lists
 * @param refund what was paid back when the order was cancelled after payment; absent otherwise
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record InvoiceView(
    UUID id,
    String number,
    UUID orderId,
    UUID paymentId,
    Amount subtotal,
    Amount total,
    Instant issuedAt,
    List<Line> lines,
    Refund refund) {

  /**
   * The refund of an invoice's payment.
   *
   * @param amount what was paid back (the whole total)
   * @param refundedAt when the provider refunded it
   */
  public record Refund(Amount amount, Instant refundedAt) {}

  /**
   * One line.
   *
   * @param sku the product
   * @param name its name when ordered
   * @param quantity how many
   * @param unitPrice price of one
   * @param amount quantity times unit price
   */
  public record Line(String sku, String name, int quantity, Amount unitPrice, Amount amount) {}
}
