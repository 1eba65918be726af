package dev.tessera.orders.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.tessera.orders.persistence.OrderEntity;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

/**
 * An order as the API shows it.
 *
 * @param id the order
 * @param status {@code PENDING_PAYMENT}, {@code CONFIRMED} or {@code CANCELLED}; {@code UNKNOWN}
 *     for a state a newer release wrote, while this one still runs next to it
 * @param items the lines, priced when ordered
 * @param total what the order costs
 * @param createdAt when it was placed
 * @param cancellationReason why it was cancelled; only on cancelled orders
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record OrderResponse(
    UUID id,
    String status,
    List<Line> items,
    MoneyResponse total,
    Instant createdAt,
    String cancellationReason) {

  /**
   * One line of an order.
   *
   * @param sku the product
   * @param name its name when ordered
   * @param quantity how many
   * @param unitPrice the price of one unit when ordered
   * @param lineTotal quantity × unit price
   */
  public record Line(
      String sku, String name, int quantity, MoneyResponse unitPrice, MoneyResponse lineTotal) {}

  /** The API's view of a stored order. */
  public static OrderResponse of(OrderEntity order) {
    return new OrderResponse(
        order.id,
        order.status.name(),
        order.lines.stream()
            .map(
                l ->
                    new Line(
                        l.sku(),
                        l.name(),
                        l.quantity(),
                        new MoneyResponse(l.unitAmount(), order.currency),
                        new MoneyResponse(l.unitAmount() * l.quantity(), order.currency)))
            .toList(),
        new MoneyResponse(order.totalAmount, order.currency),
        order.createdAt,
        order.cancelReason);
  }
}
