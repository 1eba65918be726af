package dev.tessera.e2e;

import dev.tessera.launcher.LaunchOptions;
import dev.tessera.launcher.Services;
import dev.tessera.launcher.TesseraSystem;
import dev.tessera.servers.FreePorts;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/**
 * The whole system, started once per test JVM with the same launcher as {@code ./tessera up}, on
 * ports nobody else uses, with fresh data; stopped when the JVM ends. Its orders data is sharded
 * over two databases ({@code ./tessera up --shards orders=2}), so every test that runs on it runs
 * on a sharded orders.
 */
final class WholeSystem {

  private static TesseraSystem system;

  private WholeSystem() {}

  /** The running system, started on first use. */
  static synchronized TesseraSystem get() {
    if (system == null) {
      system = start(options("e2e-data", 2).withShards("orders", 2));
      Runtime.getRuntime().addShutdownHook(new Thread(system::close));
    }
    return system;
  }

  /**
   * Another system, with one instance of each service and its data under {@code target/<name>}, for
   * a benchmark that needs the machine to itself; the caller closes it.
   */
  static TesseraSystem startSingleInstances(String name) {
    return start(name, 1);
  }

  /**
   * Another system, with {@code instances} of every domain service and a spare of each (see {@link
   * TesseraSystem#spare}), its data under {@code target/<name>}; the caller closes it.
   */
  static TesseraSystem startForRollingUpdates(String name, int instances) {
    return start(name, instances, true);
  }

  /**
   * Another system, with one instance of each service, its data under {@code target/<name>}; each
   * of {@code services} runs the build in {@code previousRelease} and has a spare that runs this
   * checkout's, not started (a rolling upgrade's first new pod). The caller closes it.
   */
  static TesseraSystem startWithPreviousRelease(
      String name, Path previousRelease, String... services) {
    LaunchOptions options = options(name, 1);
    for (String service : services) {
      options = options.withPreviousRelease(service, previousRelease).withSpare(service);
    }
    return start(options);
  }

  private static TesseraSystem start(String name, int ordersInstances) {
    return start(name, ordersInstances, false);
  }

  private static TesseraSystem start(String name, int instances, boolean everyService) {
    LaunchOptions options = options(name, instances);
    if (everyService) {
      for (Services.Service service : Services.discover(repository()).domain()) {
        options = options.withReplicas(service.name(), instances).withSpare(service.name());
      }
    }
    return start(options);
  }

  /** Options for a system with fresh data under {@code target/<name>}, on free ports. */
  private static LaunchOptions options(String name, int ordersInstances) {
    Path data = Path.of("target", name).toAbsolutePath();
    deleteRecursively(data);
    int base = FreePorts.range(43);
    return LaunchOptions.defaults(repository())
        .withDataDirectory(data)
        .withReplicas("orders", ordersInstances)
        // gateway, mail page, then the services from base + 2 (base + index + 10 × instance)
        .withPorts(base, base + 2, base + 1);
  }

  private static TesseraSystem start(LaunchOptions options) {
    return TesseraSystem.start(options, line -> System.out.println("[launcher] " + line));
  }

  /** The repository's root (the build passes it). */
  static Path repository() {
    return Path.of(System.getProperty("tessera.repository", "..")).toAbsolutePath().normalize();
  }

  /** A client of the gateway, as a real client would use it. */
  static GatewayClient gateway() {
    return new GatewayClient(get().gatewayUrl());
  }

  private static void deleteRecursively(Path directory) {
    if (!Files.exists(directory)) {
      return;
    }
    try (Stream<Path> paths = Files.walk(directory)) {
      for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(path);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
