package dev.tessera.billing.api;

/**
 * The simulated provider's fault mode, and what billing's circuit breakers make of it.
 *
 * @param mode {@code healthy}, {@code slow}, {@code failing} or {@code down}
 * @param chargeCircuit state of the charge circuit breaker: CLOSED, OPEN, HALF_OPEN
 * @param refundCircuit state of the refund circuit breaker
 */
public record ProviderModeView(String mode, String chargeCircuit, String refundCircuit) {}
