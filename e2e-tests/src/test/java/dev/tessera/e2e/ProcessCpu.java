package dev.tessera.e2e;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;

/**
 * CPU time per component of the running system, from {@code /proc/<pid>/stat} (user + system), so a
 * benchmark can say where a unit of work spends the machine's cores. PostgreSQL's processes (the
 * postmaster and its children: backends, WAL senders, helpers) are summed as one component: {@code
 * pg_ctl} detaches them from the launcher, so they are found as the postmaster's children.
 */
final class ProcessCpu {

  /** Linux's USER_HZ: the unit of the tick counts in {@code /proc/<pid>/stat}. */
  private static final double TICKS_PER_SECOND = 100;

  private final Map<String, List<Long>> components;
  private final long postmaster;

  /**
   * @param components name → process ids; each component's CPU is the sum over its processes
   * @param postgresDataDirectory the cluster's data directory, whose {@code postmaster.pid} names
   *     the postmaster
   */
  ProcessCpu(Map<String, List<Long>> components, Path postgresDataDirectory) throws IOException {
    this.components = components;
    this.postmaster =
        Long.parseLong(
            Files.readAllLines(postgresDataDirectory.resolve("postmaster.pid")).get(0).trim());
  }

  static boolean available() {
    return Files.isReadable(Path.of("/proc/self/stat"));
  }

  /** CPU seconds used so far, per component, PostgreSQL's processes last. */
  Map<String, Double> snapshot() {
    Map<String, Double> seconds = new LinkedHashMap<>();
    components.forEach(
        (name, pids) -> seconds.put(name, pids.stream().mapToDouble(ProcessCpu::cpuSeconds).sum()));
    seconds.put(
        "postgresql",
        cpuSeconds(postmaster)
            + postmasterChildren().stream().mapToDouble(ProcessCpu::cpuSeconds).sum());
    return seconds;
  }

  /**
   * One table line per component: CPU ms per unit of work between two snapshots, and the share of
   * one core over {@code wallSeconds}. A PostgreSQL backend that ended between the snapshots is not
   * counted (the services keep pooled connections, so few do).
   */
  static List<String> table(
      Map<String, Double> before,
      Map<String, Double> after,
      double wallSeconds,
      long units,
      String unit) {
    List<String> lines = new ArrayList<>();
    lines.add("| component | CPU ms per " + unit + " | cores used |");
    lines.add("|---|---:|---:|");
    double total = 0;
    for (Map.Entry<String, Double> entry : after.entrySet()) {
      double used = Math.max(0, entry.getValue() - before.getOrDefault(entry.getKey(), 0.0));
      total += used;
      lines.add(row(entry.getKey(), used, wallSeconds, units));
    }
    lines.add(row("**all**", total, wallSeconds, units));
    return lines;
  }

  private static String row(String name, double seconds, double wallSeconds, long units) {
    return String.format(
        Locale.ROOT,
        "| %s | %.2f | %.2f |",
        name,
        units == 0 ? 0 : seconds * 1000 / units,
        seconds / wallSeconds);
  }

  private static double cpuSeconds(long pid) {
    String[] fields = stat(pid);
    return fields == null
        ? 0 // ended since it was listed
        : (Long.parseLong(fields[11]) + Long.parseLong(fields[12])) / TICKS_PER_SECOND;
  }

  /** The fields of {@code /proc/<pid>/stat} after the command name, or null once it has ended. */
  private static String[] stat(long pid) {
    try {
      String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
      // The command name is in parentheses and may contain spaces.
      return stat.substring(stat.lastIndexOf(')') + 2).split(" ");
    } catch (IOException | RuntimeException e) {
      return null;
    }
  }

  private List<Long> postmasterChildren() {
    try (Stream<Path> processes = Files.list(Path.of("/proc"))) {
      return processes
          .map(path -> path.getFileName().toString())
          .filter(name -> !name.isEmpty() && name.chars().allMatch(Character::isDigit))
          .map(Long::parseLong)
          .filter(
              pid -> {
                String[] fields = stat(pid);
                return fields != null && Long.parseLong(fields[1]) == postmaster;
              })
          .toList();
    } catch (IOException e) {
      return List.of();
    }
  }
}
