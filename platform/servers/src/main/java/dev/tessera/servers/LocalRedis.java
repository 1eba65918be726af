package dev.tessera.servers;

import java.io.BufferedWriter;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;
import redis.embedded.RedisServer;
import redis.embedded.core.ExecutableProvider;
import redis.embedded.model.OsArchitecture;

/**
 * A Redis server process: Debian's {@code redis-server} when it is on the {@code PATH}, else the
 * binary bundled with embedded-redis (6.2), extracted once into the machine's cache.
 *
 * <p>Data is kept in an append-only file in the server's directory ({@code appendonly yes}, {@code
 * appendfsync everysec}): a restart keeps the revocations, a crash loses at most the last second.
 * No RDB snapshots.
 */
public final class LocalRedis extends LocalServer implements Redis {

  private final int port = FreePorts.next();
  private RedisServer server;
  private BufferedWriter log;

  /** A server that keeps its data and log in {@code directory}. */
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
  protected void doStart() throws Exception {
    File executable = binary().toFile();
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
    List<String> command =
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
            "yes",
            "--appendfsync",
            "everysec",
            "--daemonize",
            "no");
    server =
        TextFileBusy.retry(
            () -> {
              RedisServer started = new RedisServer(port, command, false, toLog, toLog);
              started.start();
              return started;
            });
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

  /** The program to run: installed, or bundled and extracted (once) now. */
  static Path binary() throws IOException {
    Optional<Path> installed = onPath("redis-server");
    return installed.isPresent() ? installed.get() : bundledBinary();
  }

  /**
   * The bundled binary, extracted once per machine into the cache (next to PostgreSQL's), so that
   * no start writes an executable that another thread's child could inherit open. Written to a
   * temporary file, flushed and closed, then renamed into place atomically: a concurrent JVM sees
   * either no binary or a complete one.
   */
  static synchronized Path bundledBinary() throws IOException {
    String resource =
        ExecutableProvider.newProvidedVersionsMap().get(OsArchitecture.detectOSandArchitecture());
    if (resource == null) {
      throw new IOException("embedded-redis bundles no binary for this machine");
    }
    Path dir = Directories.create(LocalPostgres.cacheDirectory().resolve("embedded-redis"));
    Path binary = dir.resolve(resource.substring(resource.lastIndexOf('/') + 1));
    if (Files.isExecutable(binary)) {
      return binary;
    }
    Path part = Files.createTempFile(dir, binary.getFileName().toString(), ".part");
    try {
      try (InputStream in = RedisServer.class.getResourceAsStream(resource);
          FileChannel channel = FileChannel.open(part, StandardOpenOption.WRITE)) {
        if (in == null) {
          throw new IOException("embedded-redis has no resource " + resource);
        }
        OutputStream out = Channels.newOutputStream(channel);
        in.transferTo(out);
        channel.force(true);
      }
      Files.setPosixFilePermissions(part, PosixFilePermissions.fromString("rwxr-xr-x"));
      Files.move(part, binary, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } finally {
      Files.deleteIfExists(part);
    }
    return binary;
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
