package dev.tessera.servers;

import java.lang.System.Logger.Level;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Lifecycle shared by the servers that run on this machine: start, stop, restart on the same port
 * and data, and close, which also deletes the data directory unless it is to be kept.
 *
 * <p>Every started server is closed by a JVM shutdown hook too, so a test run that ends without
 * closing its servers — or is interrupted with Ctrl-C — leaves no process behind.
 */
public abstract class LocalServer implements Restartable, AutoCloseable {

  private static final System.Logger LOG = System.getLogger(LocalServer.class.getName());
  private static final Set<LocalServer> OPEN = ConcurrentHashMap.newKeySet();
  private static final Set<Path> DELETE_AT_EXIT = ConcurrentHashMap.newKeySet();

  static {
    Runtime.getRuntime()
        .addShutdownHook(new Thread(LocalServer::closeAllOpen, "tessera-servers-shutdown"));
  }

  private final String name;
  private final Path directory;
  private final boolean keepData;
  private boolean running;
  private boolean closed;
  private Duration lastStartTime = Duration.ZERO;

  /**
   * A server called {@code name} (for logs) that keeps its files in {@code directory}.
   *
   * @param keepData {@code true} to leave the data directory on {@link #close()}, as a launcher
   *     does between runs
   */
  protected LocalServer(String name, Path directory, boolean keepData) {
    this.name = name;
    this.directory = directory.toAbsolutePath();
    this.keepData = keepData;
  }

  /** Starts the server and waits until it serves requests; does nothing when it is running. */
  @Override
  public final synchronized void start() {
    if (closed) {
      throw new IllegalStateException(name + " is closed");
    }
    if (running) {
      return;
    }
    OPEN.add(this);
    Directories.create(directory);
    long started = System.nanoTime();
    try {
      doStart();
    } catch (Exception e) {
      stopQuietly();
      throw new IllegalStateException("could not start " + name + " in " + directory, e);
    }
    running = true;
    lastStartTime = Duration.ofNanos(System.nanoTime() - started);
    LOG.log(Level.INFO, "{0} started in {1} ms", name, lastStartTime.toMillis());
  }

  /** Stops the server cleanly (killing it after a deadline) and keeps its data for a restart. */
  @Override
  public final synchronized void stop() {
    if (!running) {
      return;
    }
    running = false;
    try {
      doStop();
    } catch (Exception e) {
      throw new IllegalStateException("could not stop " + name, e);
    }
  }

  /**
   * Kills the server with SIGKILL, as {@code kill -9} or the kernel's OOM killer would: no
   * shutdown, nothing flushed, no client told. Returns once every process of it is gone; {@link
   * #start()} brings it back on the same port with the same data, to recover from whatever it left.
   */
  @Override
  public final synchronized void kill() {
    if (!running) {
      return;
    }
    running = false;
    try {
      doKill();
    } catch (Exception e) {
      throw new IllegalStateException("could not kill " + name, e);
    }
    LOG.log(Level.INFO, "{0} killed", name);
  }

  /** Stops and starts again, on the same port and with the same data. */
  @Override
  public final synchronized void restart() {
    stop();
    start();
  }

  /** Stops the server and deletes its data directory unless it is to be kept. */
  @Override
  public final synchronized void close() {
    if (closed) {
      return;
    }
    try {
      stop();
    } finally {
      closed = true;
      OPEN.remove(this);
      if (!keepData) {
        Directories.deleteRecursively(directory);
      }
    }
  }

  /** Whether {@link #start()} has returned and the server was not stopped since. */
  public final synchronized boolean isRunning() {
    return running;
  }

  /** How long the last {@link #start()} took, until the server answered. */
  public final synchronized Duration lastStartTime() {
    return lastStartTime;
  }

  /** The directory that holds this server's data and log. */
  public final Path directory() {
    return directory;
  }

  @Override
  public final Optional<Path> dataDirectory() {
    return Optional.of(directory);
  }

  /** The name used in logs and errors. */
  public final String name() {
    return name;
  }

  /** Starts the server process and returns once it answers. */
  protected abstract void doStart() throws Exception;

  /** Stops the server process. */
  protected abstract void doStop() throws Exception;

  /** Kills the server's processes with SIGKILL and returns once they are gone. */
  protected abstract void doKill() throws Exception;

  /**
   * SIGKILL to {@code process} and all its descendants at once (a server's worker processes die
   * with it, as in a container's cgroup), then waits until every one of them is gone.
   */
  static void killTree(ProcessHandle process) throws Exception {
    List<ProcessHandle> tree = new ArrayList<>();
    tree.add(process);
    process.descendants().forEach(tree::add);
    tree.forEach(ProcessHandle::destroyForcibly);
    for (ProcessHandle handle : tree) {
      handle.onExit().get(30, java.util.concurrent.TimeUnit.SECONDS);
    }
  }

  /**
   * Servers with a lower rank are closed first at JVM exit: Connect before the Kafka it commits its
   * offsets to.
   */
  protected int shutdownRank() {
    return 1;
  }

  private void stopQuietly() {
    try {
      doStop();
    } catch (Exception | Error e) {
      LOG.log(Level.WARNING, "could not clean up after a failed start of " + name, e);
    }
  }

  private static void closeAllOpen() {
    List<LocalServer> open = new ArrayList<>(OPEN);
    open.sort(Comparator.comparingInt(LocalServer::shutdownRank));
    for (LocalServer server : open) {
      try {
        server.close();
      } catch (RuntimeException e) {
        LOG.log(Level.WARNING, "could not close " + server.name + " at JVM exit", e);
      }
    }
    for (Path dir : DELETE_AT_EXIT) {
      try {
        Directories.deleteRecursively(dir);
      } catch (RuntimeException e) {
        LOG.log(Level.WARNING, "could not delete " + dir + " at JVM exit", e);
      }
    }
  }

  /**
   * Deletes {@code dir} at JVM exit, after every open server was closed; for the root that holds
   * several servers' directories.
   */
  static void deleteAtExit(Path dir, boolean delete) {
    if (delete) {
      DELETE_AT_EXIT.add(dir);
    } else {
      DELETE_AT_EXIT.remove(dir);
    }
  }
}
