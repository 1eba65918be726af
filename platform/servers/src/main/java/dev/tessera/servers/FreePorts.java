package dev.tessera.servers;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.stream.IntStream;

/**
 * Hands out free loopback TCP ports, never the same one twice in this JVM, and only below the range
 * the kernel gives to outgoing connections. A server binds its port seconds after it was chosen,
 * and binds it again on a restart; a port from the ephemeral range (what binding port 0 returns)
 * could be taken by then by any client's connection.
 */
public final class FreePorts {

  private static final int LOWEST = 10_000;
  private static final Set<Integer> HANDED_OUT = ConcurrentHashMap.newKeySet();

  private FreePorts() {}

  /** A port that was free a moment ago. */
  public static int next() {
    return range(1);
  }

  /** The first of {@code count} consecutive ports that were all free a moment ago. */
  public static synchronized int range(int count) {
    int below = ceiling();
    for (int attempt = 0; attempt < 100; attempt++) {
      int base = ThreadLocalRandom.current().nextInt(LOWEST, below - count);
      if (IntStream.range(base, base + count)
          .allMatch(port -> !HANDED_OUT.contains(port) && isFree(port))) {
        IntStream.range(base, base + count).forEach(HANDED_OUT::add);
        return base;
      }
    }
    throw new IllegalStateException("no " + count + " free consecutive ports below " + below);
  }

  /** Ports handed out are below this: the lowest ephemeral port, and at least 20,000. */
  static int ceiling() {
    return Math.max(ephemeralPortsFrom(), LOWEST + 10_000);
  }

  /** The lowest ephemeral port: Linux's setting, or its default where there is none. */
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
}
