package dev.tessera.servers;

/** The short pause between two polls of a server that is not ready yet. */
final class Pause {

  private Pause() {}

  static void briefly() {
    try {
      Thread.sleep(50);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while waiting for a server", e);
    }
  }
}
