package dev.tessera.shardmover;

import java.time.Duration;

/** Hears a move's progress: where a launcher prints it and a test hooks into it. */
public interface MoveListener {

  /** Nothing to hear. */
  MoveListener NONE = new MoveListener() {};

  /** {@code phase} begins. Runs on the mover's thread: the move waits for it to return. */
  default void starting(Phase phase) {}

  /**
   * {@code phase} ended after {@code took}; {@code detail} says what it did. Runs on the mover's
   * thread: the move waits for it to return.
   */
  default void finished(Phase phase, Duration took, String detail) {}
}
