package dev.tessera.billing.provider;

import dev.tessera.billing.BillingConfig;
import dev.tessera.billing.domain.PaymentMethod;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Typed;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.jboss.logging.Logger;

/**
 * A payment provider simulated in process, with a real provider's behaviour: latency, declines by
 * test token, idempotency keys, and fault modes an admin switches at run time.
 *
 * <p>A charge is executed when the call arrives and answered after the latency, so in {@code slow}
 * mode the caller times out on a charge that did happen: only the idempotency key keeps its retry
 * from charging twice. Typed to its class so that only {@link GuardedPaymentProvider} injects it.
 */
@ApplicationScoped
@Typed(SimulatedPaymentProvider.class)
public class SimulatedPaymentProvider implements PaymentProvider {

  private static final Logger LOG = Logger.getLogger(SimulatedPaymentProvider.class);

  private final AtomicReference<ProviderMode> mode;
  private final Duration latency;
  private final Duration slowLatency;
  private final AtomicLong calls = new AtomicLong();
  private final Map<String, AtomicInteger> callsByKey = new ConcurrentHashMap<>();
  private final Map<String, ChargeResult> chargesByKey = new ConcurrentHashMap<>();
  private final Map<String, AtomicInteger> executedByReference = new ConcurrentHashMap<>();
  private final Map<String, RefundResult> refundsByKey = new ConcurrentHashMap<>();
  private final Map<String, AtomicInteger> refundsByCharge = new ConcurrentHashMap<>();

  SimulatedPaymentProvider(BillingConfig config) {
    this.latency = config.provider().latency();
    this.slowLatency = config.provider().slowLatency();
    this.mode =
        new AtomicReference<>(
            ProviderMode.fromLabel(config.provider().initialMode())
                .orElseThrow(
                    () ->
                        new IllegalArgumentException(
                            "billing.provider.initial-mode: unknown mode "
                                + config.provider().initialMode())));
  }

  @Override
  public Uni<ChargeResult> charge(ChargeRequest request) {
    return Uni.createFrom()
        .deferred(
            () ->
                answer(
                    request.idempotencyKey(),
                    () ->
                        chargesByKey.computeIfAbsent(
                            request.idempotencyKey(), key -> execute(request))));
  }

  @Override
  public Uni<Optional<ChargeResult>> lookup(String idempotencyKey) {
    return Uni.createFrom()
        .deferred(
            () ->
                answer(
                    "lookup-" + idempotencyKey,
                    () -> Optional.ofNullable(chargesByKey.get(idempotencyKey))));
  }

  @Override
  public Uni<RefundResult> refund(RefundRequest request) {
    return Uni.createFrom()
        .deferred(
            () ->
                answer(
                    request.idempotencyKey(),
                    () ->
                        refundsByKey.computeIfAbsent(
                            request.idempotencyKey(),
                            key -> {
                              refundsByCharge
                                  .computeIfAbsent(request.chargeId(), id -> new AtomicInteger())
                                  .incrementAndGet();
                              return new RefundResult("re_" + UUID.randomUUID());
                            })));
  }

  private <T> Uni<T> answer(String key, java.util.function.Supplier<T> work) {
    calls.incrementAndGet();
    callsByKey.computeIfAbsent(key, k -> new AtomicInteger()).incrementAndGet();
    ProviderMode current = mode.get();
    switch (current) {
      case DOWN:
        return Uni.createFrom()
            .failure(new ProviderUnavailableException("connection refused: payment provider"));
      case FAILING:
        return Uni.createFrom()
            .voidItem()
            .onItem()
            .delayIt()
            .by(latency)
            .onItem()
            .transformToUni(
                ignored ->
                    Uni.createFrom()
                        .<T>failure(
                            new ProviderTransientException(
                                "503 Service Unavailable from provider")));
      default:
        T result = work.get();
        return Uni.createFrom()
            .item(result)
            .onItem()
            .delayIt()
            .by(current == ProviderMode.SLOW ? slowLatency : latency);
    }
  }

  private ChargeResult execute(ChargeRequest request) {
    String chargeId = "ch_" + UUID.randomUUID();
    String decline = declineCode(request.paymentMethod());
    if (decline == null) {
      executedByReference
          .computeIfAbsent(request.reference(), ref -> new AtomicInteger())
          .incrementAndGet();
    }
    LOG.debugf("charge %s for %s: %s", chargeId, request.reference(), decline);
    return new ChargeResult(chargeId, decline == null, decline);
  }

  private static String declineCode(String token) {
    if (PaymentMethod.CHARGE_DECLINED.equals(token)) {
      return "card_declined";
    }
    if (PaymentMethod.INSUFFICIENT_FUNDS.equals(token)) {
      return "insufficient_funds";
    }
    if (PaymentMethod.VISA.equals(token)) {
      return null;
    }
    // A real provider knows no other token either.
    return "invalid_payment_method";
  }

  /** The current fault mode. */
  public ProviderMode mode() {
    return mode.get();
  }

  /** Switches the fault mode; calls already in flight finish in the mode they started in. */
  public void mode(ProviderMode newMode) {
    ProviderMode old = mode.getAndSet(newMode);
    if (old != newMode) {
      LOG.infof("payment provider mode: %s -> %s", old.label(), newMode.label());
    }
  }

  /** Calls received, of both kinds, whatever their outcome. */
  public long calls() {
    return calls.get();
  }

  /** Calls received with this idempotency key, whatever their outcome. */
  public int callsWithKey(String idempotencyKey) {
    AtomicInteger count = callsByKey.get(idempotencyKey);
    return count == null ? 0 : count.get();
  }

  /** Charges that took money for this reference (an order id): more than one is a double charge. */
  public int executedCharges(String reference) {
    AtomicInteger count = executedByReference.get(reference);
    return count == null ? 0 : count.get();
  }

  /** Refunds executed for a charge: more than one is a double refund. */
  public int executedRefunds(String chargeId) {
    AtomicInteger count = refundsByCharge.get(chargeId);
    return count == null ? 0 : count.get();
  }
}
