package dev.tessera.servers;

import java.io.BufferedWriter;
import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.reflect.Field;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;
import redis.embedded.RedisInstance;
import redis.embedded.RedisServer;
import redis.embedded.core.ExecutableProvider;

/**
 * A Redis server process: Debian's {@code redis-server} when it is on the {@code PATH}, else the
 * binary bundled with embedded-redis (6.2), extracted into the data directory.
 *
 * <p>Nothing is persisted (no RDB snapshots, no AOF): what tests and the local system keep in Redis
 * — revocations, rate-limit buckets, cache entries — is short-lived by design.
 */
public final class LocalRedis extends LocalServer implements Redis {

  private final int port = FreePorts.next();
  private RedisServer server;
  private BufferedWriter log;

  /** A server that keeps its binary and log in {@code directory}. */
  public LocalRedis(Path directory, boolean keepData) {
    super("redis", directory, keepData);
  }

  @Override
  public String host() {
    return "127.0.0.1";
  }

  @Override
  public int port() {
    return port;
  }

  @Override
  protected void doStart() throws IOException {
    File executable = executable();
    log =
        Files.newBufferedWriter(
            directory().resolve("redis.log"), StandardOpenOption.CREATE, StandardOpenOption.APPEND);
    Consumer<String> toLog =
        line -> {
          try {
            synchronized (this) {
              if (log != null) {
                log.write(line);
                log.newLine();
                log.flush();
              }
            }
          } catch (IOException e) {
            throw new UncheckedIOException(e);
          }
        };
    server =
        new RedisServer(
            port,
            List.of(
                executable.getAbsolutePath(),
                "--port",
                Integer.toString(port),
                "--bind",
                "127.0.0.1",
                "--dir",
                directory().toString(),
                "--save",
                "",
                "--appendonly",
                "no",
                "--daemonize",
                "no"),
            false,
            toLog,
            toLog);
    server.start();
  }

  @Override
  protected void doStop() throws IOException {
    try {
      if (server != null) {
        server.stop();
        server = null;
      }
    } finally {
      synchronized (this) {
        if (log != null) {
          log.close();
          log = null;
        }
      }
    }
  }

  /** SIGKILL: whatever Redis held only in memory is gone, as after a crash of its node. */
  @Override
  protected void doKill() throws Exception {
    if (server == null) {
      return;
    }
    // embedded-redis does not expose its process, and Redis rewrites its command line (its process
    // title), so the process cannot be told apart by its arguments either.
    Field field = RedisInstance.class.getDeclaredField("process");
    field.setAccessible(true);
    Process process = (Process) field.get(server);
    killTree(process.toHandle());
    doStop();
  }

  private File executable() throws IOException {
    Optional<Path> installed = onPath("redis-server");
    if (installed.isPresent()) {
      return installed.get().toFile();
    }
    Path bin = Directories.create(directory().resolve("bin"));
    return ExecutableProvider.newJarResourceProvider(bin.toFile()).get();
  }

  private static Optional<Path> onPath(String program) {
    String path = System.getenv("PATH");
    if (path == null) {
      return Optional.empty();
    }
    for (String dir : path.split(File.pathSeparator)) {
      Path candidate = Path.of(dir, program);
      if (Files.isExecutable(candidate)) {
        return Optional.of(candidate);
      }
    }
    return Optional.empty();
  }
}
