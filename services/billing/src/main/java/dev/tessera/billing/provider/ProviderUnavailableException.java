package dev.tessera.billing.provider;

/**
 * The provider could not be reached (connection refused): it said nothing about the charge. Not
 * retried at once (a down provider stays down for a while): the circuit breaker counts it and the
 * retry job tries again later.
 */
public class ProviderUnavailableException extends RuntimeException {

  public ProviderUnavailableException(String message) {
    super(message);
  }
}
