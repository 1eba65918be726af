package dev.tessera.eventing.inbox;

/**
 * A failure that retrying cannot fix (a malformed record, an event that breaks an invariant): the
 * record goes to the dead-letter topic at once.
 */
public class PermanentEventFailure extends RuntimeException {

  public PermanentEventFailure(String message) {
    super(message);
  }

  public PermanentEventFailure(String message, Throwable cause) {
    super(message, cause);
  }
}
