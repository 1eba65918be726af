package dev.tessera.servers;

import java.nio.file.Path;
import java.util.Optional;

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

  /**
   * SIGKILL, as after a crash of the server's node: nothing is flushed; {@link #start()} brings it
   * back on the same address with what reached its disk.
   */
  default void kill() {
    throw new UnsupportedOperationException(this + " cannot be killed");
  }

  /** Where the server keeps its data, when that is a directory of this machine. */
  default Optional<Path> dataDirectory() {
    return Optional.empty();
  }
}
