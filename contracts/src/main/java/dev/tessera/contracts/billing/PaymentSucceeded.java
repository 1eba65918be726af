package dev.tessera.contracts.billing;

import dev.tessera.contracts.IntegrationEvent;
import dev.tessera.contracts.Money;
import java.time.Instant;
import java.util.Objects;
import java.util.UUID;

/**
 * An order was charged and invoiced: orders confirms it.
 *
 * @param paymentId the payment
 * @param orderId the order it paid
 * @param userId the customer
 * @param amount what was charged
 * @param invoiceId the invoice issued for it
 * @param succeededAt when the provider accepted the charge
 */
public record PaymentSucceeded(
    UUID paymentId, UUID orderId, UUID userId, Money amount, UUID invoiceId, Instant succeededAt)
    implements IntegrationEvent {

  /** Checks the rules its schema states, so a producer cannot write what consumers reject. */
  public PaymentSucceeded {
    Objects.requireNonNull(paymentId, "paymentId");
    Objects.requireNonNull(orderId, "orderId");
    Objects.requireNonNull(userId, "userId");
    Objects.requireNonNull(amount, "amount");
    Objects.requireNonNull(invoiceId, "invoiceId");
    Objects.requireNonNull(succeededAt, "succeededAt");
  }

  @Override
  public String aggregateId() {
    return paymentId.toString();
  }
}
