package dev.tessera.contracts;

/** Thrown when a payload cannot be read as its event type: a poison record, retrying won't help. */
public class InvalidEventException extends RuntimeException {

  private static final long serialVersionUID = 1L;

  /** An invalid payload described by {@code message}. */
  public InvalidEventException(String message) {
    super(message);
  }

  /** An invalid payload described by {@code message}, found by {@code cause}. */
  public InvalidEventException(String message, Throwable cause) {
    super(message, cause);
  }
}
