package dev.tessera.shardmover;

/**
 * A move that stopped part-way: the message says in which phase, what state it left and whether
 * running it again continues it. Writes to the range are never left refused by both databases:
 * before the target owns the range, a failure gives it back to the source.
 */
public class MoveFailedException extends RuntimeException {

  private static final long serialVersionUID = 1L;

  private final Phase phase;

  public MoveFailedException(Phase phase, String message, Throwable cause) {
    super("shard move failed in " + phase + ": " + message, cause);
    this.phase = phase;
  }

  /** The phase that failed. */
  public Phase phase() {
    return phase;
  }
}
