package dev.tessera.orders.persistence;

import dev.tessera.orders.domain.OrderStatus;
import jakarta.persistence.AttributeConverter;
import jakarta.persistence.Converter;

/**
 * Stores an order's status by name, and reads a name this release does not know (a newer release's
 * state) as {@link OrderStatus#UNKNOWN} instead of failing the whole read.
 */
@Converter
public class OrderStatusConverter implements AttributeConverter<OrderStatus, String> {

  @Override
  public String convertToDatabaseColumn(OrderStatus status) {
    // UNKNOWN is never written: no move leads to or from it, so an order read in it never changes.
    // Should a write happen anyway, null breaks the column's not-null constraint rather than
    // overwrite the newer release's state. (Hibernate also converts every constant at boot.)
    return status == null || status == OrderStatus.UNKNOWN ? null : status.name();
  }

  @Override
  public OrderStatus convertToEntityAttribute(String name) {
    return name == null ? null : OrderStatus.read(name);
  }
}
