package dev.tessera.billing.api;

/**
 * Sets the simulated provider's fault mode.
 *
 * @param mode {@code healthy}, {@code slow}, {@code failing} or {@code down}
 */
public record ProviderModeRequest(String mode) {}
