package dev.tessera.billing.provider;

import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.instrumentation.annotations.WithSpan;
import io.smallrye.faulttolerance.api.CircuitBreakerName;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.Optional;
import org.eclipse.microprofile.faulttolerance.Bulkhead;
import org.eclipse.microprofile.faulttolerance.CircuitBreaker;
import org.eclipse.microprofile.faulttolerance.Retry;
import org.eclipse.microprofile.faulttolerance.Timeout;

/**
 * The payment provider as billing calls it: behind a timeout, a retry of transient errors with
 * jitter, a circuit breaker and a bulkhead, all on the non-blocking {@link Uni} path.
 *
 * <p>SmallRye applies them as Retry → CircuitBreaker → Timeout → Bulkhead, so every retry counts in
 * the breaker and is bounded by the timeout. Only {@link ProviderTransientException} is retried
 * here: a refused connection or a timeout is left to the retry job, which waits longer. Values are
 * overridable by MicroProfile Fault Tolerance config, e.g. {@code
 * dev.tessera.billing.provider.GuardedPaymentProvider/charge/Timeout/value}.
 */
@ApplicationScoped
public class GuardedPaymentProvider implements PaymentProvider {

  /** Name of the charge circuit breaker (health, maintenance). */
  public static final String CHARGE_BREAKER = "payment-provider-charge";

  /** Name of the refund circuit breaker (health, maintenance). */
  public static final String REFUND_BREAKER = "payment-provider-refund";

  /** Name of the charge-lookup circuit breaker. */
  public static final String LOOKUP_BREAKER = "payment-provider-lookup";

  private final SimulatedPaymentProvider adapter;

  GuardedPaymentProvider(SimulatedPaymentProvider adapter) {
    this.adapter = adapter;
  }

  @Override
  @Timeout(1000)
  @Retry(maxRetries = 2, delay = 100, jitter = 50, retryOn = ProviderTransientException.class)
  @CircuitBreaker(
      requestVolumeThreshold = 10,
      failureRatio = 0.5,
      delay = 5000,
      successThreshold = 2)
  @CircuitBreakerName(CHARGE_BREAKER)
  @Bulkhead(value = 32, waitingTaskQueue = 256)
  @WithSpan(value = "payment-provider charge", kind = SpanKind.CLIENT)
  public Uni<ChargeResult> charge(ChargeRequest request) {
    return adapter.charge(request);
  }

  @Override
  @Timeout(1000)
  @Retry(maxRetries = 2, delay = 100, jitter = 50, retryOn = ProviderTransientException.class)
  @CircuitBreaker(
      requestVolumeThreshold = 10,
      failureRatio = 0.5,
      delay = 5000,
      successThreshold = 2)
  @CircuitBreakerName(LOOKUP_BREAKER)
  @Bulkhead(value = 8, waitingTaskQueue = 64)
  @WithSpan(value = "payment-provider lookup", kind = SpanKind.CLIENT)
  public Uni<Optional<ChargeResult>> lookup(String idempotencyKey) {
    return adapter.lookup(idempotencyKey);
  }

  @Override
  @Timeout(1000)
  @Retry(maxRetries = 2, delay = 100, jitter = 50, retryOn = ProviderTransientException.class)
  @CircuitBreaker(
      requestVolumeThreshold = 10,
      failureRatio = 0.5,
      delay = 5000,
      successThreshold = 2)
  @CircuitBreakerName(REFUND_BREAKER)
  @Bulkhead(value = 8, waitingTaskQueue = 64)
  @WithSpan(value = "payment-provider refund", kind = SpanKind.CLIENT)
  public Uni<RefundResult> refund(RefundRequest request) {
    return adapter.refund(request);
  }
}
