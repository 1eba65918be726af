package dev.tessera.billing.persistence;

import dev.tessera.billing.domain.InvoiceLine;
import dev.tessera.billing.domain.PaymentMethod;
import dev.tessera.billing.domain.PaymentStatus;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.LockModeType;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.hibernate.reactive.mutiny.Mutiny;

/** Payments and their lines; the queue of payments the provider still has to take. */
@ApplicationScoped
public class PaymentRepository {

  // The unique constraint on order_id decides, not a prior select: two deliveries of one order on
  // two replicas race here, and exactly one insert wins. The payment is recorded claimed for its
  // first charge, as CLAIM would leave it: one transaction fewer per order than claiming it next.
  private static final String INSERT =
      "insert into payment (id, order_id, user_id, amount, currency, status, attempts,"
          + " next_attempt_at, payment_method, last_charge_at, placed_at) values (:id, :order,"
          + " :user, :amount, :currency, 'PENDING', 1, :lease, :method, :now, :placed)"
          + " on conflict (order_id) do nothing";

  private static final String INSERT_LINE =
      "insert into payment_line (id, payment_id, line_no, sku, name, quantity, unit_amount,"
          + " currency) values (:id, :payment, :no, :sku, :name, :quantity, :unit, :currency)";

  // Claims due payments for one replica: skip locked lets several replicas share the queue, and
  // the lease keeps the claimed rows out of the queue while their provider call runs (outside any
  // transaction). A charge uses the account's payment method at the time of the attempt, and
  // records when it was made: the look-ups of a failed or cancelled payment count from then.
  private static final String CLAIM =
      "with due as (select id from payment where status in ('PENDING', 'REFUND_PENDING',"
          + " 'FAILED', 'CANCELLED') and next_attempt_at <= :now %s order by next_attempt_at"
          + " limit :limit for update skip locked)"
          + " update payment p set attempts = p.attempts + 1, next_attempt_at = :lease,"
          + " updated_at = now(), payment_method = case when p.status = 'PENDING' then"
          + " coalesce((select a.payment_method from billing_account a"
          + " where a.user_id = p.user_id), '"
          + PaymentMethod.DEFAULT
          + "') else p.payment_method end,"
          + " last_charge_at = case when p.status = 'PENDING' then :now else p.last_charge_at end"
          + " from due where p.id = due.id returning "
          + PaymentRow.COLUMNS.replaceAll("(\\w+)", "p.$1");

  // The tombstone of an order cancelled before billing saw it placed: the late OrderPlaced then
  // conflicts on order_id and records nothing.
  private static final String INSERT_TOMBSTONE =
      "insert into payment (id, order_id, user_id, amount, currency, status, placed_at,"
          + " failure_reason) values (:id, :order, :user, 0, null, 'CANCELLED', :at,"
          + " 'cancelled_before_placed') on conflict (order_id) do nothing";

  /**
   * Records a pending payment, unless the order has one, claimed for its first charge by the caller
   * until {@code lease} (see {@link #claimDue}), with {@code paymentMethod} charged at {@code now};
   * the claimed payment if it was recorded. Should the caller never charge it, the claim passes
   * with its lease and the retry job charges it.
   */
  public Uni<Optional<PaymentRow>> insertClaimedIfAbsent(
      Mutiny.Session session,
      NewPayment payment,
      String paymentMethod,
      OffsetDateTime now,
      OffsetDateTime lease) {
    PaymentRow claimed =
        new PaymentRow(
            payment.id(),
            payment.orderId(),
            payment.userId(),
            payment.amount(),
            payment.currency(),
            PaymentStatus.PENDING,
            1,
            paymentMethod,
            null,
            now.toInstant());
    return session
        .createNativeQuery(INSERT)
        .setParameter("id", payment.id())
        .setParameter("order", payment.orderId())
        .setParameter("user", payment.userId())
        .setParameter("amount", payment.amount())
        .setParameter("currency", payment.currency())
        .setParameter("lease", lease)
        .setParameter("method", paymentMethod)
        .setParameter("now", now)
        .setParameter("placed", payment.placedAt().atOffset(ZoneOffset.UTC))
        .executeUpdate()
        .chain(
            rows -> {
              if (rows == 0) {
                return Uni.createFrom().item(Optional.<PaymentRow>empty());
              }
              Uni<Void> chain = Uni.createFrom().voidItem();
              List<InvoiceLine> lines = payment.lines();
              for (int i = 0; i < lines.size(); i++) {
                InvoiceLine line = lines.get(i);
                int no = i + 1;
                chain =
                    chain.chain(
                        () ->
                            session
                                .createNativeQuery(INSERT_LINE)
                                .setParameter("id", UUID.randomUUID())
                                .setParameter("payment", payment.id())
                                .setParameter("no", no)
                                .setParameter("sku", line.sku())
                                .setParameter("name", line.name())
                                .setParameter("quantity", line.quantity())
                                .setParameter("unit", line.unitAmount())
                                .setParameter("currency", payment.currency())
                                .executeUpdate()
                                .replaceWithVoid());
              }
              return chain.replaceWith(Optional.of(claimed));
            });
  }

  /**
   * Claims up to {@code limit} payments that are due, for this caller alone until {@code lease}
   * passes, counting the attempt.
   */
  public Uni<List<PaymentRow>> claimDue(
      Mutiny.Session session, int limit, OffsetDateTime lease, UUID orderId) {
    var query =
        session
            .createNativeQuery(String.format(CLAIM, orderId == null ? "" : "and order_id = :order"))
            .setParameter("now", now())
            .setParameter("limit", limit)
            .setParameter("lease", lease);
    if (orderId != null) {
      query.setParameter("order", orderId);
    }
    return query.getResultList().map(rows -> rows.stream().map(PaymentRow::of).toList());
  }

  /**
   * Records that the order was cancelled before billing saw it placed, unless it has a payment;
   * true if it was recorded.
   */
  public Uni<Boolean> insertTombstone(
      Mutiny.Session session, UUID orderId, UUID userId, OffsetDateTime cancelledAt) {
    return session
        .createNativeQuery(INSERT_TOMBSTONE)
        .setParameter("id", UUID.randomUUID())
        .setParameter("order", orderId)
        .setParameter("user", userId)
        .setParameter("at", cancelledAt)
        .executeUpdate()
        .map(rows -> rows > 0);
  }

  /** The payment of an order, locked until the transaction ends. */
  public Uni<Optional<PaymentRow>> lockByOrder(Mutiny.Session session, UUID orderId) {
    return session
        .createSelectionQuery("from PaymentEntity where orderId = :order", PaymentEntity.class)
        .setParameter("order", orderId)
        .setLockMode(LockModeType.PESSIMISTIC_WRITE)
        .getSingleResultOrNull()
        .map(payment -> locked(session, payment));
  }

  /**
   * The payment, locked until the transaction ends. Hibernate's load of the entity, not a native
   * select: Hibernate Reactive (3.2) never finds the cached plan of a native query that returns
   * rows (its result-set mapping has no {@code equals}), so each execution added a plan under the
   * same hash to the plan cache, which every later lookup walked: 6 % of billing's CPU under load.
   */
  public Uni<Optional<PaymentRow>> lock(Mutiny.Session session, UUID id) {
    return session
        .find(PaymentEntity.class, id, LockModeType.PESSIMISTIC_WRITE)
        .map(payment -> locked(session, payment));
  }

  // The row as it is now; the entity leaves the session, so that a later load in it reads the
  // changes that native statements make.
  private static Optional<PaymentRow> locked(Mutiny.Session session, PaymentEntity payment) {
    if (payment == null) {
      return Optional.empty();
    }
    session.detach(payment);
    return Optional.of(payment.toRow());
  }

  /**
   * Moves the payment from {@code expected} to {@code status}, with the provider's charge id and a
   * failure reason (each kept when null); false, changing nothing, if it is no longer {@code
   * expected} (another instance moved it first). Compare-and-set, so a stale view can never
   * overwrite a newer state.
   */
  public Uni<Boolean> update(
      Mutiny.Session session,
      UUID id,
      PaymentStatus expected,
      PaymentStatus status,
      String chargeId,
      String failureReason,
      OffsetDateTime nextAttemptAt) {
    return session
        .createNativeQuery(
            "update payment set status = :status,"
                + " provider_charge_id = coalesce(:charge, provider_charge_id),"
                + " failure_reason = coalesce(:reason, failure_reason), next_attempt_at = :next,"
                + " updated_at = now() where id = :id and status = :expected")
        .setParameter("status", status.name())
        .setParameter("charge", chargeId)
        .setParameter("reason", failureReason)
        .setParameter("next", nextAttemptAt)
        .setParameter("id", id)
        .setParameter("expected", expected.name())
        .executeUpdate()
        .map(rows -> rows > 0);
  }

  /**
   * Puts a payment still in {@code expected} back in the queue, due at {@code at}, or takes it out
   * when {@code at} is null.
   */
  /**
   * Hands a claimed payment back to the queue at once, if the claim is still the one that set
   * {@code lease} (no outcome recorded since); true if it did.
   */
  public Uni<Boolean> release(Mutiny.Session session, UUID id, OffsetDateTime lease) {
    return session
        .createNativeQuery(
            "update payment set next_attempt_at = :now, updated_at = now() where id = :id"
                + " and next_attempt_at = :lease")
        .setParameter("now", now())
        .setParameter("id", id)
        .setParameter("lease", lease)
        .executeUpdate()
        .map(rows -> rows > 0);
  }

  public Uni<Void> retryAt(
      Mutiny.Session session, UUID id, PaymentStatus expected, OffsetDateTime at) {
    return session
        .createNativeQuery(
            "update payment set next_attempt_at = :at, updated_at = now() where id = :id"
                + " and status = :expected")
        .setParameter("at", at)
        .setParameter("id", id)
        .setParameter("expected", expected.name())
        .executeUpdate()
        .replaceWithVoid();
  }

  /** The order's lines of a payment, in order. */
  public Uni<List<InvoiceLine>> lines(Mutiny.Session session, UUID paymentId) {
    return session
        .createQuery(
            "from PaymentLineEntity where paymentId = :payment order by lineNo",
            PaymentLineEntity.class)
        .setParameter("payment", paymentId)
        .getResultList()
        .map(
            rows ->
                rows.stream()
                    .map(l -> new InvoiceLine(l.sku, l.name, l.quantity, l.unitAmount))
                    .toList());
  }

  /** The refunds of these payments, by payment (a payment is refunded at most once). */
  public Uni<Map<UUID, RefundEntity>> refunds(Mutiny.Session session, Collection<UUID> paymentIds) {
    if (paymentIds.isEmpty()) {
      return Uni.createFrom().item(Map.of());
    }
    return session
        .createQuery("from RefundEntity where paymentId in :payments", RefundEntity.class)
        .setParameter("payments", paymentIds)
        .getResultList()
        .map(
            rows -> {
              Map<UUID, RefundEntity> byPayment = new HashMap<>();
              rows.forEach(row -> byPayment.put(row.paymentId, row));
              return byPayment;
            });
  }

  /** Records the refund of a payment. */
  public Uni<Void> insertRefund(
      Mutiny.Session session, UUID refundId, PaymentRow payment, String providerRefundId) {
    return session
        .createNativeQuery(
            "insert into refund (id, payment_id, amount, currency, provider_refund_id)"
                + " values (:id, :payment, :amount, :currency, :provider)")
        .setParameter("id", refundId)
        .setParameter("payment", payment.id())
        .setParameter("amount", payment.amount())
        .setParameter("currency", payment.currency())
        .setParameter("provider", providerRefundId)
        .executeUpdate()
        .replaceWithVoid();
  }

  private static OffsetDateTime now() {
    return OffsetDateTime.now(ZoneOffset.UTC);
  }
}
