package dev.tessera.servers;

/**
 * Starts a program that was extracted by this JVM, retrying while the kernel answers {@code
 * ETXTBSY} ("Text file busy").
 *
 * <p>Linux refuses to exec a file that any process holds open for writing. A child forked by
 * another thread while the binary was being written inherits that handle until it execs its own
 * program, microseconds later. Extracting once, atomically (temp file, fsync, rename), makes this
 * rare; the retry covers what is left of the window.
 */
final class TextFileBusy {

  private static final int ATTEMPTS = 20;

  /** A start that may fail with the kernel's ETXTBSY. */
  interface Start<T> {
    T run() throws Exception;
  }

  private TextFileBusy() {}

  static <T> T retry(Start<T> start) throws Exception {
    for (int attempt = 1; ; attempt++) {
      try {
        return start.run();
      } catch (Exception e) {
        if (attempt == ATTEMPTS || !causedBy(e)) {
          throw e;
        }
        Pause.briefly();
      }
    }
  }

  static boolean causedBy(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t.getMessage() != null && t.getMessage().contains("error=26")) {
        return true;
      }
    }
    return false;
  }
}
