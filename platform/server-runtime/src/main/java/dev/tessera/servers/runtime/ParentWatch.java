package dev.tessera.servers.runtime;

import java.io.IOException;
import java.io.InputStream;

/**
 * Ends this child JVM when the parent that started it dies, so a crashed test run leaks nothing.
 */
final class ParentWatch {

  /** Set to {@code false} by a launcher that detaches the server from its own lifetime. */
  static final String PROPERTY = "tessera.exitWithParent";

  private ParentWatch() {}

  /**
   * The parent keeps our stdin pipe open for its whole life; the OS closes it when the parent
   * exits, even on SIGKILL, where the parent's shutdown hooks never run.
   */
  static void install() {
    if (!Boolean.parseBoolean(System.getProperty(PROPERTY, "true"))) {
      return;
    }
    Thread watcher =
        new Thread(
            () -> {
              InputStream in = System.in;
              byte[] buffer = new byte[64];
              try {
                while (in.read(buffer) >= 0) {
                  // Whatever the parent writes is ignored: only the end of the stream matters.
                }
              } catch (IOException e) {
                // A broken pipe means the same as end of stream.
              }
              System.err.println("tessera: parent process is gone, shutting down");
              // Runs the server's own shutdown hook: a clean stop, as on SIGTERM.
              System.exit(0);
            },
            "tessera-parent-watch");
    watcher.setDaemon(true);
    watcher.start();
  }

  /** Points Log4j 2 at our console-only configuration unless the caller chose another. */
  static void configureLogging() {
    if (System.getProperty("log4j2.configurationFile") == null) {
      System.setProperty("log4j2.configurationFile", "META-INF/tessera/server-log4j2.properties");
    }
    // The server's own shutdown hook logs its clean stop; Log4j's hook would silence it first.
    if (System.getProperty("log4j2.shutdownHookEnabled") == null) {
      System.setProperty("log4j2.shutdownHookEnabled", "false");
    }
  }
}
