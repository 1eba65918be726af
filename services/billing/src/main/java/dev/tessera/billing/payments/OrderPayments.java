package dev.tessera.billing.payments;

import dev.tessera.billing.domain.InvoiceLine;
import dev.tessera.billing.domain.PaymentMethod;
import dev.tessera.billing.domain.PaymentStatus;
import dev.tessera.billing.persistence.AccountRepository;
import dev.tessera.billing.persistence.NewPayment;
import dev.tessera.billing.persistence.PaymentRepository;
import dev.tessera.billing.persistence.PaymentRow;
import dev.tessera.contracts.orders.OrderCancelled;
import dev.tessera.contracts.orders.OrderPlaced;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.Optional;
import java.util.UUID;
import org.hibernate.reactive.mutiny.Mutiny;
import org.jboss.logging.Logger;

/**
 * What billing records when orders change, inside the transaction of the incoming event. No
 * provider call happens here: the {@link PaymentProcessor} makes it once this has committed.
 */
@ApplicationScoped
public class OrderPayments {

  private static final Logger LOG = Logger.getLogger(OrderPayments.class);

  private final AccountRepository accounts;
  private final PaymentRepository payments;

  OrderPayments(AccountRepository accounts, PaymentRepository payments) {
    this.accounts = accounts;
    this.payments = payments;
  }

  /**
   * Records a pending payment for a placed order, claimed for its first charge until {@code lease}
   * (the caller charges it once this has committed); the claimed payment, or empty if the order has
   * one already. An order that arrives before its user's UserRegistered gets an account with the
   * default payment method on the spot: it is never lost.
   */
  public Uni<Optional<PaymentRow>> orderPlaced(
      Mutiny.Session session, OrderPlaced order, OffsetDateTime lease) {
    NewPayment payment =
        new NewPayment(
            UUID.randomUUID(),
            order.orderId(),
            order.userId(),
            order.total().amount(),
            order.total().currency(),
            order.items().stream()
                .map(
                    line ->
                        new InvoiceLine(
                            line.sku(), line.name(), line.quantity(), line.unitPrice().amount()))
                .toList(),
            order.placedAt());
    // Microseconds, as PostgreSQL keeps it: the charge records when it was made.
    OffsetDateTime now = OffsetDateTime.now(ZoneOffset.UTC).truncatedTo(ChronoUnit.MICROS);
    return accounts
        .createIfAbsent(session, order.userId(), PaymentMethod.DEFAULT)
        .invoke(
            created -> {
              if (created) {
                LOG.infof("created billing account of %s on demand", order.userId());
              }
            })
        // The account's payment method at the time of the attempt, as a claim by the retry job
        // takes it.
        .chain(() -> accounts.find(session, order.userId()))
        .chain(
            account ->
                payments.insertClaimedIfAbsent(session, payment, account.paymentMethod, now, lease))
        .invoke(
            claimed -> {
              if (claimed.isEmpty()) {
                LOG.infof("order %s already has a payment: not charged again", order.orderId());
              }
            });
  }

  /**
   * Stops the charge of a cancelled order, or queues the refund of a paid one. A payment that
   * failed, or was already cancelled or refunded, is left as it is. An order billing has not seen
   * placed yet gets a cancelled payment as its tombstone, so its OrderPlaced, whenever it comes,
   * charges nothing. A cancelled payment the provider was already called for is looked up: the call
   * may have taken the money without billing hearing the answer.
   */
  public Uni<Void> orderCancelled(Mutiny.Session session, OrderCancelled cancelled) {
    return payments
        .lockByOrder(session, cancelled.orderId())
        .chain(
            found -> {
              if (found.isEmpty()) {
                return payments
                    .insertTombstone(
                        session,
                        cancelled.orderId(),
                        cancelled.userId(),
                        cancelled.cancelledAt().atOffset(ZoneOffset.UTC))
                    .chain(
                        recorded -> {
                          if (recorded) {
                            LOG.infof(
                                "order %s cancelled before billing saw it placed: it will not be"
                                    + " charged",
                                cancelled.orderId());
                            return Uni.createFrom().voidItem();
                          }
                          // Its OrderPlaced committed meanwhile: cancel that payment instead.
                          return orderCancelled(session, cancelled);
                        });
              }
              var payment = found.get();
              PaymentStatus next = payment.status().onOrderCancelled();
              if (next == payment.status()) {
                return Uni.createFrom().voidItem();
              }
              boolean providerWork = next.needsProvider() || payment.attempts() > 0;
              OffsetDateTime due = providerWork ? OffsetDateTime.now(ZoneOffset.UTC) : null;
              return payments
                  .update(session, payment.id(), payment.status(), next, null, null, due)
                  .replaceWithVoid();
            });
  }

  /** Opens the account of a newly registered user with the default payment method. */
  public Uni<Void> userRegistered(Mutiny.Session session, UUID userId) {
    return accounts.createIfAbsent(session, userId, PaymentMethod.DEFAULT).replaceWithVoid();
  }
}
