package dev.tessera.launcher;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * One instance of a Quarkus application in a process of its own, so it can be killed and restarted
 * while the rest of the system runs — as in production.
 */
public final class AppProcess {

  private static final HttpClient HTTP =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

  // Small heaps and the serial collector: five applications share two cores here.
  private static final List<String> JVM_OPTIONS =
      List.of("-Xms32m", "-Xmx256m", "-XX:+UseSerialGC", "-XX:+ExitOnOutOfMemoryError");

  /**
   * Environment variable with more JVM options for every app, after the defaults (so they win): the
   * local counterpart of the chart's {@code common.javaOpts}, for measuring a flag.
   */
  public static final String EXTRA_JVM_OPTIONS = "TESSERA_APP_JAVA_OPTS";

  private final String id;
  private final Path runner;
  private final int port;
  private final Map<String, String> properties;
  private final Map<String, String> environment;
  private final Path log;
  private Process process;

  AppProcess(
      String id,
      Path runner,
      int port,
      Map<String, String> properties,
      Map<String, String> environment,
      Path log) {
    this.id = id;
    this.runner = runner;
    this.port = port;
    this.properties = Map.copyOf(properties);
    this.environment = Map.copyOf(environment);
    this.log = log;
  }

  /** Starts the process; returns at once (see {@link #awaitHealthy}). */
  public synchronized void start() {
    if (process != null && process.isAlive()) {
      return;
    }
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.addAll(jvmOptions(System.getenv(EXTRA_JVM_OPTIONS)));
    properties.forEach((key, value) -> command.add("-D" + key + "=" + value));
    command.add("-jar");
    command.add(runner.toString());
    ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
    // Secrets travel in the environment, not on the command line that `ps` shows.
    builder.environment().putAll(environment);
    builder.environment().remove("JAVA_TOOL_OPTIONS");
    try {
      Files.createDirectories(log.getParent());
      builder.redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
      process = builder.start();
    } catch (IOException e) {
      throw new UncheckedIOException("could not start " + id, e);
    }
  }

  /** The JVM options of an app: the defaults, then {@code extra} split on white space. */
  static List<String> jvmOptions(String extra) {
    List<String> options = new ArrayList<>(JVM_OPTIONS);
    if (extra != null && !extra.isBlank()) {
      options.addAll(List.of(extra.trim().split("\\s+")));
    }
    return options;
  }

  /**
   * Waits until {@code path} (e.g. {@code /q/health/ready}) answers 200.
   *
   * @throws IllegalStateException when the process exits or {@code timeout} passes first, with the
   *     end of its log
   */
  public void awaitHealthy(String path, Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (healthStatus(path) != 200) {
      if (!isAlive()) {
        throw new IllegalStateException(id + " exited during start-up:\n" + tail(30));
      }
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException(
            id + " was not healthy at " + path + " after " + timeout + ":\n" + tail(30));
      }
      pause(Duration.ofMillis(200));
    }
  }

  /** The HTTP status of {@code path} on this instance, or 0 when it does not answer. */
  public int healthStatus(String path) {
    try {
      HttpRequest request =
          HttpRequest.newBuilder(URI.create(url() + path)).timeout(Duration.ofSeconds(2)).build();
      return HTTP.send(request, HttpResponse.BodyHandlers.discarding()).statusCode();
    } catch (IOException e) {
      return 0;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return 0;
    }
  }

  /** Stops gracefully (SIGTERM: Quarkus drains requests), then kills after {@code grace}. */
  public synchronized void stop(Duration grace) {
    if (process == null) {
      return;
    }
    process.destroy();
    try {
      if (!process.waitFor(grace.toMillis(), TimeUnit.MILLISECONDS)) {
        process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
    }
  }

  /** Kills the process at once, like {@code kill -9}: no shutdown, no drain. */
  public synchronized void kill() {
    if (process != null) {
      process.destroyForcibly();
      try {
        process.waitFor(10, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  public synchronized boolean isAlive() {
    return process != null && process.isAlive();
  }

  /** Process id, or -1 when not started. */
  public synchronized long pid() {
    return process == null ? -1 : process.pid();
  }

  /** {@code orders-1}, {@code gateway-1}… */
  public String id() {
    return id;
  }

  public int port() {
    return port;
  }

  /** Base URL on loopback. */
  public String url() {
    return "http://127.0.0.1:" + port;
  }

  public Path log() {
    return log;
  }

  /** The last {@code lines} lines of the log. */
  public String tail(int lines) {
    try {
      List<String> all = Files.exists(log) ? Files.readAllLines(log) : List.of();
      return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
    } catch (IOException | UncheckedIOException e) {
      return "(log unreadable: " + e.getMessage() + ")";
    }
  }

  static void pause(Duration duration) {
    try {
      Thread.sleep(duration.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
  }
}
