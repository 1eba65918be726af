package dev.tessera.shardmover;

/**
 * A move that was not started, or not continued, because the databases are not in a state it can
 * move from; the message says what is wrong and what to do. Nothing was changed by the attempt.
 */
public class MoveRefusedException extends RuntimeException {

  private static final long serialVersionUID = 1L;

  public MoveRefusedException(String message) {
    super(message);
  }
}
