package dev.tessera.eventing.inbox;

/**
 * A handler's answer when the event needs a newer release than this one: the state it finds (an
 * order status, a payment status written by a newer release) or what the event asks for is not
 * something this release knows. The event is parked, not retried nor dead-lettered, and the release
 * that understands it applies it (docs/adr/0002-park-events-a-release-does-not-understand.md).
 */
public class NotUnderstoodYet extends RuntimeException {

  public NotUnderstoodYet(String message) {
    super(message);
  }

  /** Whether {@code failure}, or one of its causes, is a {@link NotUnderstoodYet}. */
  static boolean in(Throwable failure) {
    for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
      if (t instanceof NotUnderstoodYet) {
        return true;
      }
    }
    return false;
  }

  /** The message of the first {@link NotUnderstoodYet} in the chain of {@code failure}. */
  static String reasonIn(Throwable failure) {
    for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
      if (t instanceof NotUnderstoodYet) {
        return String.valueOf(t.getMessage());
      }
    }
    return String.valueOf(failure);
  }
}
