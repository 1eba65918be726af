package dev.tessera.e2e;

import dev.tessera.launcher.LaunchOptions;
import dev.tessera.launcher.TesseraSystem;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.concurrent.ThreadLocalRandom;
import java.util.stream.IntStream;
import java.util.stream.Stream;

/**
 * The whole system, started once per test JVM with the same launcher as {@code ./tessera up}, on
 * ports nobody else uses, with fresh data; stopped when the JVM ends.
 */
final class WholeSystem {

  private static TesseraSystem system;

  private WholeSystem() {}

  /** The running system, started on first use. */
  static synchronized TesseraSystem get() {
    if (system == null) {
      system = start("e2e-data", 2);
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

  /** A system with fresh data under {@code target/<name>}, on free ports. */
  private static TesseraSystem start(String name, int ordersInstances) {
    Path repository = Path.of(System.getProperty("tessera.repository", "..")).toAbsolutePath();
    Path data = Path.of("target", name).toAbsolutePath();
    deleteRecursively(data);
    int base = freePortRange(43);
    LaunchOptions options =
        LaunchOptions.defaults(repository.normalize())
            .withDataDirectory(data)
            .withReplicas("orders", ordersInstances)
            // gateway, mail page, then the services from base + 2 (base + index + 10 × instance)
            .withPorts(base, base + 2, base + 1);
    return TesseraSystem.start(options, line -> System.out.println("[launcher] " + line));
  }

  /** A client of the gateway, as a real client would use it. */
  static GatewayClient gateway() {
    return new GatewayClient(get().gatewayUrl());
  }

  /**
   * The first of {@code count} consecutive free ports below the range the kernel hands out to
   * outgoing connections: the system binds some of them only after its servers and clients have
   * opened connections for tens of seconds, and an ephemeral port chosen now could be taken by
   * then.
   */
  private static int freePortRange(int count) {
    int below = Math.max(ephemeralPortsFrom(), 20_000);
    for (int attempt = 0; attempt < 50; attempt++) {
      int base = ThreadLocalRandom.current().nextInt(10_000, below - count);
      if (IntStream.range(0, count).allMatch(offset -> isFree(base + offset))) {
        return base;
      }
    }
    throw new IllegalStateException("no free range of " + count + " ports below " + below);
  }

  /** The lowest ephemeral port (Linux's setting; its default elsewhere). */
  private static int ephemeralPortsFrom() {
    try {
      // readAllLines, not readString: a /proc file reports size 0 and readString stops short.
      String range =
          Files.readAllLines(Path.of("/proc/sys/net/ipv4/ip_local_port_range")).get(0).trim();
      return Integer.parseInt(range.split("\\s+")[0]);
    } catch (IOException | RuntimeException e) {
      return 32_768;
    }
  }

  private static boolean isFree(int port) {
    try (ServerSocket socket = new ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
      return true;
    } catch (IOException e) {
      return false;
    }
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
