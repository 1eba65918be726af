package dev.tessera.gateway.security;

/** A bearer token the gateway refuses; the message says why (for logs, not for the client). */
public final class InvalidTokenException extends RuntimeException {

  private static final long serialVersionUID = 1L;

  /** A refusal for {@code reason}. */
  public InvalidTokenException(String reason) {
    // No stack trace: refusals are expected traffic, and an attacker can cause many.
    super(reason, null, false, false);
  }
}
