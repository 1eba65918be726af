package dev.tessera.billing.domain;

import java.util.List;

/**
 * The totals printed on an invoice.
 *
 * @param subtotal the sum of the lines
 * @param adjustment what the order's pricing added (shipping) or took off (discounts): total minus
 *     subtotal
 * @param total what was charged
 */
public record InvoiceTotals(long subtotal, long adjustment, long total) {

  /**
   * Totals for {@code lines} charged {@code charged}: the order's total is what was charged, even
   * where orders priced it differently from the plain sum of its lines.
   */
  public static InvoiceTotals of(List<InvoiceLine> lines, long charged) {
    long subtotal = 0;
    for (InvoiceLine line : lines) {
      subtotal = Math.addExact(subtotal, line.amount());
    }
    return new InvoiceTotals(subtotal, charged - subtotal, charged);
  }
}
