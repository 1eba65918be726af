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
    if (status == OrderStatus.UNKNOWN) {
      // Writing it would overwrite the newer release's state with a name nobody knows.
      throw new IllegalStateException(
          "an order in a state this release does not know is read-only");
    }
    return status == null ? null : status.name();
  }

  @Override
  public OrderStatus convertToEntityAttribute(String name) {
    return name == null ? null : OrderStatus.read(name);
  }
}
