package dev.tessera.billing.payments;

import dev.tessera.billing.BillingConfig;
import dev.tessera.billing.domain.ChargeOutcome;
import dev.tessera.billing.domain.InvoiceLine;
import dev.tessera.billing.domain.InvoiceTotals;
import dev.tessera.billing.domain.PaymentDecision;
import dev.tessera.billing.domain.PaymentStatus;
import dev.tessera.billing.domain.RetryPolicy;
import dev.tessera.billing.persistence.InvoiceEntity;
import dev.tessera.billing.persistence.InvoiceRepository;
import dev.tessera.billing.persistence.PaymentRepository;
import dev.tessera.billing.persistence.PaymentRow;
import dev.tessera.billing.provider.ChargeRequest;
import dev.tessera.billing.provider.ChargeResult;
import dev.tessera.billing.provider.PaymentProvider;
import dev.tessera.billing.provider.RefundRequest;
import dev.tessera.billing.provider.RefundResult;
import dev.tessera.contracts.Money;
import dev.tessera.contracts.billing.PaymentFailed;
import dev.tessera.contracts.billing.PaymentRefunded;
import dev.tessera.contracts.billing.PaymentSucceeded;
import dev.tessera.eventing.Tracing;
import dev.tessera.eventing.outbox.Outbox;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.vertx.core.runtime.context.VertxContextSafetyToggle;
import io.smallrye.common.vertx.VertxContext;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.ThreadLocalRandom;
import org.hibernate.reactive.mutiny.Mutiny;
import org.jboss.logging.Logger;

/**
 * Takes pending charges, refunds and look-ups to the provider without holding a database
 * transaction open across the call: claim the payment (short transaction), call the provider with
 * the order's key {@code order-<orderId>} (no transaction), record the outcome (short transaction,
 * with its event, compare-and-set on the status it claimed).
 *
 * <p>The invariant it keeps: an order has at most one captured charge, and a captured charge only
 * for a SUCCEEDED payment or with a refund. Failed and cancelled payments whose charge call went
 * unanswered are looked up until the provider's answer is final, and what they find is refunded.
 */
@ApplicationScoped
public class PaymentProcessor {

  private static final Logger LOG = Logger.getLogger(PaymentProcessor.class);

  private final Mutiny.SessionFactory sessionFactory;
  private final PaymentRepository payments;
  private final InvoiceRepository invoices;
  private final Outbox outbox;
  private final PaymentProvider provider;
  private final BillingConfig config;
  private final RetryPolicy policy;
  private final MeterRegistry meters;
  private final Vertx vertx;
  private final InvoiceChanges invoiceChanges;

  // Claimed payments whose settlement runs now, with the lease their claim set: what a stop must
  // finish or hand back (drain).
  private final Map<UUID, OffsetDateTime> inFlight = new ConcurrentHashMap<>();
  private volatile boolean draining;

  PaymentProcessor(
      Mutiny.SessionFactory sessionFactory,
      PaymentRepository payments,
      InvoiceRepository invoices,
      Outbox outbox,
      PaymentProvider provider,
      BillingConfig config,
      MeterRegistry meters,
      Vertx vertx,
      InvoiceChanges invoiceChanges) {
    this.sessionFactory = sessionFactory;
    this.payments = payments;
    this.invoices = invoices;
    this.outbox = outbox;
    this.provider = provider;
    this.config = config;
    this.meters = meters;
    this.vertx = vertx;
    this.invoiceChanges = invoiceChanges;
    this.policy =
        new RetryPolicy(
            config.payments().initialBackoff(),
            config.payments().maxBackoff(),
            config.payments().maxAttempts(),
            0.2);
  }

  /** The retry policy in force. */
  public RetryPolicy policy() {
    return policy;
  }

  /**
   * Does the provider work of the order's payment now, if it has any that is due. Never fails: what
   * could not be done stays in the queue for the retry job.
   */
  public Uni<Void> processOrder(UUID orderId) {
    return process(orderId, 1).replaceWithVoid();
  }

  /** Claims a batch of due payments and settles them; returns how many it claimed. */
  public Uni<Integer> processDue() {
    return process(null, config.payments().batchSize());
  }

  /**
   * The lease of a claim made now: until it passes, no other caller takes the payment. In
   * microseconds, as PostgreSQL keeps it: {@link #drain} hands a claim back by this value.
   */
  public OffsetDateTime newLease() {
    return now().plus(config.payments().lease()).truncatedTo(ChronoUnit.MICROS);
  }

  /**
   * Charges a payment that was recorded already claimed until {@code lease} (its OrderPlaced's
   * transaction, now committed): the claim transaction of {@link #processOrder} saved. Never fails:
   * what could not be done stays in the queue for the retry job. While stopping, hands the claim
   * back instead, so that another replica takes it at once.
   */
  public Uni<Void> settleClaimed(PaymentRow payment, OffsetDateTime lease) {
    Executor context = newContext();
    if (draining) {
      return Uni.createFrom()
          .deferred(
              () ->
                  sessionFactory.withTransaction(
                      session -> payments.release(session, payment.id(), lease)))
          .runSubscriptionOn(context)
          .onFailure()
          // Not handed back: the retry job takes it when its lease passes.
          .recoverWithItem(false)
          .replaceWithVoid();
    }
    inFlight.put(payment.id(), lease);
    return settle(payment, context).onTermination().invoke(() -> settled(payment.id()));
  }

  private Uni<Integer> process(UUID orderId, int limit) {
    if (draining) {
      // Stopping: what is due stays in the queue for the other replicas (or this one's successor).
      return Uni.createFrom().item(0);
    }
    Executor context = newContext();
    OffsetDateTime lease = newLease();
    return Uni.createFrom()
        .deferred(
            () ->
                sessionFactory.withTransaction(
                    session -> payments.claimDue(session, limit, lease, orderId)))
        .runSubscriptionOn(context)
        .invoke(claimed -> claimed.forEach(payment -> inFlight.put(payment.id(), lease)))
        .chain(this::settleAll)
        .onFailure()
        .recoverWithItem(
            failure -> {
              LOG.warnf("could not process due payments: %s", failure.toString());
              return 0;
            });
  }

  private Uni<Integer> settleAll(List<PaymentRow> claimed) {
    if (claimed.isEmpty()) {
      return Uni.createFrom().item(0);
    }
    return Multi.createFrom()
        .iterable(claimed)
        .onItem()
        // Each payment on a context of its own: Hibernate Reactive binds a session to a context.
        .transformToUni(
            payment ->
                settle(payment, newContext()).onTermination().invoke(() -> settled(payment.id())))
        .merge(8)
        .collect()
        .asList()
        .map(List::size);
  }

  private Uni<Void> settle(PaymentRow payment, Executor context) {
    Uni<Void> work =
        switch (payment.status()) {
          case PENDING -> charge(payment, context);
          case REFUND_PENDING -> refund(payment, context);
          default -> lookUp(payment, context);
        };
    return work.onFailure()
        .recoverWithItem(
            failure -> {
              LOG.warnf("payment %s stays queued: %s", payment.id(), failure.toString());
              return null;
            });
  }

  private void settled(UUID paymentId) {
    inFlight.remove(paymentId);
    synchronized (inFlight) {
      inFlight.notifyAll();
    }
  }

  /**
   * Stops taking payments and lets the ones in flight finish, for up to {@code timeout}; then hands
   * back the ones still unsettled, so that another replica takes them at once instead of when their
   * lease passes. Returns how many it handed back. Blocks: call it from the thread that runs the
   * shutdown, never from an event loop.
   */
  public int drain(Duration timeout) {
    draining = true;
    long deadline = System.nanoTime() + timeout.toNanos();
    synchronized (inFlight) {
      long left;
      while (!inFlight.isEmpty() && (left = deadline - System.nanoTime()) > 0) {
        try {
          inFlight.wait(Math.max(1, left / 1_000_000));
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          break;
        }
      }
    }
    Map<UUID, OffsetDateTime> unsettled = Map.copyOf(inFlight);
    if (unsettled.isEmpty()) {
      return 0;
    }
    Executor context = newContext();
    List<Boolean> released =
        Multi.createFrom()
            .iterable(unsettled.entrySet())
            .onItem()
            .transformToUniAndConcatenate(
                claim ->
                    sessionFactory
                        .withTransaction(
                            session -> payments.release(session, claim.getKey(), claim.getValue()))
                        .onFailure()
                        .recoverWithItem(false))
            .collect()
            .asList()
            .runSubscriptionOn(context)
            .await()
            .atMost(Duration.ofSeconds(5));
    int handedBack = (int) released.stream().filter(Boolean::booleanValue).count();
    LOG.infof(
        "stopping with %d payments unsettled: %d handed back to the queue (the rest were"
            + " recorded meanwhile or are left to their lease)",
        unsettled.size(), handedBack);
    return handedBack;
  }

  /** The provider's idempotency key of an order's charge: one order, one charge, everywhere. */
  static String chargeKey(UUID orderId) {
    return "order-" + orderId;
  }

  private Uni<Void> charge(PaymentRow payment, Executor context) {
    ChargeRequest request =
        new ChargeRequest(
            chargeKey(payment.orderId()),
            payment.paymentMethod(),
            payment.amount(),
            payment.currency(),
            payment.orderId().toString());
    return Uni.createFrom()
        .deferred(() -> provider.charge(request))
        .map(PaymentProcessor::outcome)
        .onFailure()
        .recoverWithItem(failure -> new ChargeOutcome.Unavailable(failure.toString()))
        .chain(
            outcome ->
                outcome instanceof ChargeOutcome.Unavailable && policy.exhausted(payment.attempts())
                    ? lookUpBeforeGivingUp(request.idempotencyKey(), outcome)
                    : Uni.createFrom().item(outcome))
        .emitOn(context)
        .chain(outcome -> recordCharge(payment.id(), outcome));
  }

  /**
   * Before the last attempt gives up, asks whether an earlier one took the money after all: a
   * charge found is the answer; none found, or no answer, gives up (and the look-ups go on, see
   * {@link #lookUp}).
   */
  private Uni<ChargeOutcome> lookUpBeforeGivingUp(String key, ChargeOutcome unavailable) {
    return Uni.createFrom()
        .deferred(() -> provider.lookup(key))
        .map(found -> found.map(PaymentProcessor::outcome).orElse(unavailable))
        .onFailure()
        .recoverWithItem(unavailable);
  }

  private static ChargeOutcome outcome(ChargeResult result) {
    return result.approved()
        ? new ChargeOutcome.Approved(result.chargeId())
        : new ChargeOutcome.Declined(result.declineCode());
  }

  private Uni<Void> recordCharge(UUID paymentId, ChargeOutcome outcome) {
    return sessionFactory.withTransaction(
        session ->
            payments
                .lock(session, paymentId)
                .chain(
                    found -> {
                      if (found.isEmpty()) {
                        return Uni.createFrom().voidItem();
                      }
                      PaymentRow current = found.get();
                      PaymentDecision decision =
                          PaymentDecision.decide(
                              current.status(), outcome, current.attempts(), policy);
                      count(outcome, decision);
                      return apply(session, current, decision, outcome);
                    }));
  }

  private Uni<Void> apply(
      Mutiny.Session session, PaymentRow payment, PaymentDecision decision, ChargeOutcome outcome) {
    if (decision instanceof PaymentDecision.Succeed succeed) {
      return succeed(session, payment, succeed.chargeId());
    }
    if (decision instanceof PaymentDecision.Fail fail) {
      LOG.infof(
          "payment %s of order %s failed: %s", payment.id(), payment.orderId(), fail.reason());
      Instant at = Instant.now();
      // A decline is the provider's final word; a give-up is not: the charge may yet turn up.
      OffsetDateTime lookUpAt =
          outcome instanceof ChargeOutcome.Unavailable ? nextTry(payment) : null;
      return payments
          .update(
              session,
              payment.id(),
              PaymentStatus.PENDING,
              PaymentStatus.FAILED,
              null,
              fail.reason(),
              lookUpAt)
          .chain(
              () ->
                  outbox.record(
                      session,
                      new PaymentFailed(
                          payment.id(),
                          payment.orderId(),
                          payment.userId(),
                          new Money(payment.amount(), payment.currency()),
                          fail.reason(),
                          at)))
          .replaceWithVoid();
    }
    if (decision instanceof PaymentDecision.RetryLater) {
      OffsetDateTime next = nextTry(payment);
      LOG.debugf(
          "payment %s: provider unavailable (%s), attempt %d, next at %s",
          payment.id(), ((ChargeOutcome.Unavailable) outcome).cause(), payment.attempts(), next);
      return payments.retryAt(session, payment.id(), PaymentStatus.PENDING, next);
    }
    if (decision instanceof PaymentDecision.RefundCharge refund) {
      LOG.infof(
          "order %s: a charge turned up for a %s payment: refunding",
          payment.orderId(), payment.status());
      return refundFound(session, payment, refund.chargeId()).replaceWithVoid();
    }
    return Uni.createFrom().voidItem();
  }

  /** Queues the refund of a charge found for a payment that must not keep it, if still so. */
  private Uni<Boolean> refundFound(Mutiny.Session session, PaymentRow payment, String chargeId) {
    return payments.update(
        session,
        payment.id(),
        payment.status(),
        PaymentStatus.REFUND_PENDING,
        chargeId,
        null,
        now());
  }

  private OffsetDateTime nextTry(PaymentRow payment) {
    return now()
        .plus(policy.delayAfter(payment.attempts(), ThreadLocalRandom.current().nextDouble()));
  }

  private Uni<Void> succeed(Mutiny.Session session, PaymentRow payment, String chargeId) {
    // Microseconds: what PostgreSQL keeps, so a keyset cursor built from it finds the row again.
    Instant issuedAt = Instant.now().truncatedTo(ChronoUnit.MICROS);
    int year = issuedAt.atOffset(ZoneOffset.UTC).getYear();
    UUID invoiceId = UUID.randomUUID();
    return payments
        .lines(session, payment.id())
        .chain(
            lines ->
                payments
                    .update(
                        session,
                        payment.id(),
                        PaymentStatus.PENDING,
                        PaymentStatus.SUCCEEDED,
                        chargeId,
                        null,
                        null)
                    .chain(
                        () ->
                            outbox.record(
                                session,
                                new PaymentSucceeded(
                                    payment.id(),
                                    payment.orderId(),
                                    payment.userId(),
                                    new Money(payment.amount(), payment.currency()),
                                    invoiceId,
                                    issuedAt)))
                    // Last: numbering holds the year's counter until the commit.
                    .chain(
                        () ->
                            invoices.insertNumbered(
                                session, invoice(invoiceId, payment, lines, issuedAt), year)));
  }

  private static InvoiceEntity invoice(
      UUID id, PaymentRow payment, List<InvoiceLine> lines, Instant issuedAt) {
    InvoiceTotals totals = InvoiceTotals.of(lines, payment.amount());
    InvoiceEntity invoice = new InvoiceEntity();
    invoice.id = id;
    invoice.paymentId = payment.id();
    invoice.orderId = payment.orderId();
    invoice.userId = payment.userId();
    invoice.currency = payment.currency();
    invoice.subtotal = totals.subtotal();
    invoice.total = totals.total();
    invoice.issuedAt = issuedAt;
    return invoice;
  }

  private Uni<Void> refund(PaymentRow payment, Executor context) {
    if (payment.providerChargeId() == null) {
      // Written before charges were looked up as cancelled payments: look it up the same way.
      return lookUp(payment, context);
    }
    RefundRequest request =
        new RefundRequest(
            "refund-" + chargeKey(payment.orderId()),
            payment.providerChargeId(),
            payment.amount(),
            payment.currency());
    return Uni.createFrom()
        .deferred(() -> provider.refund(request))
        .emitOn(context)
        .chain(result -> recordRefund(payment.id(), result))
        // Committed: the invoice now shows the refund on every instance.
        .call(() -> invoiceChanges.paymentRefunded(payment.id()))
        .onFailure()
        .recoverWithUni(
            failure -> {
              meters.counter("billing.refunds", "outcome", "unavailable").increment();
              // Refunds are never given up: the customer's money must go back.
              return retryLater(payment, context);
            });
  }

  /**
   * A failed or cancelled payment whose charge call went unanswered: asks the provider whether it
   * took the money. A charge found is refunded. None found is final only once the look-up window
   * has passed since the last charge call (a call still in flight could land until then): until
   * then the payment is looked up again with backoff, and so is one the provider does not answer.
   */
  private Uni<Void> lookUp(PaymentRow payment, Executor context) {
    Instant lookedUpAt = Instant.now();
    return Uni.createFrom()
        .deferred(() -> provider.lookup(chargeKey(payment.orderId())))
        .emitOn(context)
        .chain(
            found ->
                sessionFactory.withTransaction(
                    session -> {
                      if (found.isPresent() && found.get().approved()) {
                        meters.counter("billing.lookups", "outcome", "charge_found").increment();
                        LOG.infof(
                            "order %s: found charge %s of a %s payment: refunding",
                            payment.orderId(), found.get().chargeId(), payment.status());
                        return refundFound(session, payment, found.get().chargeId())
                            .chain(
                                queued ->
                                    queued
                                        ? Uni.createFrom().item(found.get().chargeId())
                                        : Uni.createFrom().<String>nullItem());
                      }
                      meters.counter("billing.lookups", "outcome", "none").increment();
                      PaymentStatus settled =
                          payment.status() == PaymentStatus.REFUND_PENDING
                              ? PaymentStatus.CANCELLED
                              : payment.status();
                      Instant finalAfter =
                          payment.lastChargeAt() == null
                              ? lookedUpAt
                              : payment.lastChargeAt().plus(config.payments().lookupWindow());
                      OffsetDateTime next =
                          lookedUpAt.isBefore(finalAfter)
                              ? min(nextTry(payment), finalAfter.atOffset(ZoneOffset.UTC))
                              : null;
                      return payments
                          .update(
                              session, payment.id(), payment.status(), settled, null, null, next)
                          .replaceWith(Uni.createFrom().<String>nullItem());
                    }))
        .chain(
            chargeId ->
                chargeId == null
                    ? Uni.createFrom().voidItem()
                    : refund(withRefundPending(payment, chargeId), context))
        .onFailure()
        .recoverWithUni(failure -> retryLater(payment, context));
  }

  private static PaymentRow withRefundPending(PaymentRow payment, String chargeId) {
    return new PaymentRow(
        payment.id(),
        payment.orderId(),
        payment.userId(),
        payment.amount(),
        payment.currency(),
        PaymentStatus.REFUND_PENDING,
        payment.attempts(),
        payment.paymentMethod(),
        chargeId,
        payment.lastChargeAt());
  }

  private static OffsetDateTime min(OffsetDateTime a, OffsetDateTime b) {
    return a.isBefore(b) ? a : b;
  }

  private Uni<Void> retryLater(PaymentRow payment, Executor context) {
    OffsetDateTime next = nextTry(payment);
    return Uni.createFrom()
        .deferred(
            () ->
                sessionFactory.withTransaction(
                    session -> payments.retryAt(session, payment.id(), payment.status(), next)))
        .runSubscriptionOn(context);
  }

  private Uni<Void> recordRefund(UUID paymentId, RefundResult result) {
    return sessionFactory.withTransaction(
        session ->
            payments
                .lock(session, paymentId)
                .chain(
                    found -> {
                      // Only a refund still owed is recorded: never a second one, never over
                      // REFUNDED.
                      if (found.isEmpty() || found.get().status() != PaymentStatus.REFUND_PENDING) {
                        return Uni.createFrom().voidItem();
                      }
                      PaymentRow payment = found.get();
                      UUID refundId = UUID.randomUUID();
                      meters.counter("billing.refunds", "outcome", "refunded").increment();
                      return payments
                          .insertRefund(session, refundId, payment, result.refundId())
                          .chain(
                              () ->
                                  payments.update(
                                      session,
                                      payment.id(),
                                      PaymentStatus.REFUND_PENDING,
                                      PaymentStatus.REFUNDED,
                                      null,
                                      null,
                                      null))
                          .chain(
                              () ->
                                  outbox.record(
                                      session,
                                      new PaymentRefunded(
                                          payment.id(),
                                          payment.orderId(),
                                          payment.userId(),
                                          new Money(payment.amount(), payment.currency()),
                                          refundId,
                                          Instant.now())))
                          .replaceWithVoid();
                    }));
  }

  private void count(ChargeOutcome outcome, PaymentDecision decision) {
    String name;
    if (decision instanceof PaymentDecision.Succeed) {
      name = "succeeded";
    } else if (decision instanceof PaymentDecision.Fail
        && outcome instanceof ChargeOutcome.Unavailable) {
      name = "given_up";
    } else if (outcome instanceof ChargeOutcome.Declined) {
      name = "declined";
    } else if (outcome instanceof ChargeOutcome.Unavailable) {
      name = "unavailable";
    } else {
      name = "ignored";
    }
    meters.counter("billing.charges", "outcome", name).increment();
  }

  private Executor newContext() {
    Context context = VertxContext.createNewDuplicatedContext(vertx.getOrCreateContext());
    // Hibernate Reactive only runs on a context marked safe: one no other stream shares.
    VertxContextSafetyToggle.setContextSafe(context, true);
    // The payment's work continues the trace that started it (the OrderPlaced consumer's span, so
    // the charge and PaymentSucceeded join the order's trace); the retry job's has none.
    return Tracing.continuing(context, io.opentelemetry.context.Context.current());
  }

  private static OffsetDateTime now() {
    return OffsetDateTime.now(ZoneOffset.UTC);
  }
}
