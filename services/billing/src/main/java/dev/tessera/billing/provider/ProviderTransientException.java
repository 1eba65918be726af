package dev.tessera.billing.provider;

/**
 * The provider answered with a transient error (a 503, a 429): the only failure worth retrying at
 * once, with backoff and jitter.
 */
public class ProviderTransientException extends ProviderUnavailableException {

  public ProviderTransientException(String message) {
    super(message);
  }
}
