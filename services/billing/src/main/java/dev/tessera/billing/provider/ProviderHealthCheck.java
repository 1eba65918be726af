package dev.tessera.billing.provider;

import io.smallrye.faulttolerance.api.CircuitBreakerMaintenance;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

/**
 * Reports the payment provider's circuit breakers as data. It stays UP when they are open: billing
 * degrades gracefully (payments wait in the queue), so taking the instance out of service would
 * only move the same problem to the next one.
 */
@Readiness
@ApplicationScoped
public class ProviderHealthCheck implements HealthCheck {

  private final CircuitBreakerMaintenance breakers;
  private final SimulatedPaymentProvider provider;

  ProviderHealthCheck(CircuitBreakerMaintenance breakers, SimulatedPaymentProvider provider) {
    this.breakers = breakers;
    this.provider = provider;
  }

  @Override
  public HealthCheckResponse call() {
    return HealthCheckResponse.named("payment-provider")
        .up()
        .withData("mode", provider.mode().label())
        .withData(
            "chargeCircuit", breakers.currentState(GuardedPaymentProvider.CHARGE_BREAKER).name())
        .withData(
            "refundCircuit", breakers.currentState(GuardedPaymentProvider.REFUND_BREAKER).name())
        .build();
  }
}
