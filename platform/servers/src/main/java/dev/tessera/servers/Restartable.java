package dev.tessera.servers;

/**
 * A server that a test can stop and start again on the same address with the same data — to see
 * what the system does while it is away.
 */
public interface Restartable {

  /** Stops the server; its port and data stay reserved for {@link #start()}. */
  void stop();

  /** Starts the server again and returns once it answers. */
  void start();

  /** {@link #stop()}, then {@link #start()}. */
  default void restart() {
    stop();
    start();
  }
}
