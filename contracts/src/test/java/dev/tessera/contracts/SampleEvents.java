package dev.tessera.contracts;

import dev.tessera.contracts.billing.PaymentFailed;
import dev.tessera.contracts.billing.PaymentRefunded;
import dev.tessera.contracts.billing.PaymentSucceeded;
import dev.tessera.contracts.identity.UserRegistered;
import dev.tessera.contracts.identity.UserReinstated;
import dev.tessera.contracts.identity.UserSuspended;
import dev.tessera.contracts.orders.OrderCancelled;
import dev.tessera.contracts.orders.OrderConfirmed;
import dev.tessera.contracts.orders.OrderLine;
import dev.tessera.contracts.orders.OrderPlaced;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

/**
 * One realistic event of every type, built in Java rather than read from the schema examples, so
 * that what producers write is checked independently of what the schemas document.
 */
final class SampleEvents {

  static final UUID USER = UUID.fromString("d2a7c1e4-3b8f-4c65-9e12-7f0a4b6d8c31");
  static final UUID ORDER = UUID.fromString("8e5f2a9c-1d47-4b3e-a6c8-5b9d0e2f7a14");
  static final UUID PAYMENT = UUID.fromString("3c7b9e1f-6a28-4d5c-8f40-2e1a7b9c5d63");
  static final UUID INVOICE = UUID.fromString("a41f6d2b-9c3e-4e87-b5a0-6d8f1c3e7b92");
  static final UUID REFUND = UUID.fromString("6f0e3b8a-2c5d-4a19-9d7e-4b2c8a6f1e05");

  static final Money TOTAL = new Money(8997, "USD");

  /** A two-line order, whose total is the sum of its lines. */
  static final OrderPlaced ORDER_PLACED =
      new OrderPlaced(
          ORDER,
          USER,
          List.of(
              new OrderLine("TSR-HOODIE-L", "Tessera hoodie (L)", 1, new Money(5999, "USD")),
              new OrderLine("TSR-STICKER-5", "Sticker pack", 2, new Money(1499, "USD"))),
          TOTAL,
          Instant.parse("2025-06-02T14:05:11.274Z"));

  static final UserRegistered USER_REGISTERED =
      new UserRegistered(
          USER, "grace.hopper@example.org", "Grace Hopper", Instant.parse("2025-06-01T08:00:00Z"));

  static final PaymentFailed PAYMENT_FAILED =
      new PaymentFailed(
          PAYMENT,
          ORDER,
          USER,
          TOTAL,
          PaymentFailed.INSUFFICIENT_FUNDS,
          Instant.parse("2025-06-02T14:05:13Z"));

  private SampleEvents() {}

  /** One event of every registered type, in the order of {@link EventTypes#all()}. */
  static List<IntegrationEvent> all() {
    return List.of(
        USER_REGISTERED,
        new UserSuspended(USER, "Account shared publicly", Instant.parse("2025-06-09T16:45:30.5Z")),
        new UserReinstated(USER, Instant.parse("2025-06-11T09:12:04.25Z")),
        ORDER_PLACED,
        new OrderConfirmed(ORDER, USER, PAYMENT, Instant.parse("2025-06-02T14:05:12.001Z")),
        new OrderCancelled(
            ORDER,
            USER,
            OrderCancelled.CUSTOMER_REQUEST,
            Instant.parse("2025-06-03T10:15:00.123456789Z")),
        new PaymentSucceeded(
            PAYMENT, ORDER, USER, TOTAL, INVOICE, Instant.parse("2025-06-02T14:05:11.902Z")),
        PAYMENT_FAILED,
        new PaymentRefunded(
            PAYMENT, ORDER, USER, TOTAL, REFUND, Instant.parse("2025-06-03T10:15:02.640Z")));
  }
}
