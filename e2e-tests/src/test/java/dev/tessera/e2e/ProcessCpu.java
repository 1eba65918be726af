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
 * benchmark can say where a unit of work spends the machine's cores. Each PostgreSQL server's
 * processes (the postmaster and its children: backends, WAL senders and receivers, recovery,
 * helpers) are summed as one component: {@code pg_ctl} detaches them from the launcher, so they are
 * found as the postmaster's children.
 */
final class ProcessCpu {

  /** Linux's USER_HZ: the unit of the tick counts in {@code /proc/<pid>/stat}. */
  private static final double TICKS_PER_SECOND = 100;

  private final Map<String, List<Long>> components;
  private final Map<String, Long> postmasters = new LinkedHashMap<>();

  /**
   * @param components name → process ids; each component's CPU is the sum over its processes
   * @param postgresDataDirectories name → a PostgreSQL server's data directory, whose {@code
   *     postmaster.pid} names its postmaster
   */
  ProcessCpu(Map<String, List<Long>> components, Map<String, Path> postgresDataDirectories)
      throws IOException {
    this.components = components;
    for (Map.Entry<String, Path> server : postgresDataDirectories.entrySet()) {
      postmasters.put(
          server.getKey(),
          Long.parseLong(
              Files.readAllLines(server.getValue().resolve("postmaster.pid")).get(0).trim()));
    }
  }

  static boolean available() {
    return Files.isReadable(Path.of("/proc/self/stat"));
  }

  /**
   * CPU seconds used so far per component ({@code total}, PostgreSQL's processes last), and how
   * many of them a JVM's JIT compiler threads used ({@code compiling}): a JVM compiles for minutes
   * under load before its code has settled, and a long-running instance no longer pays for that.
   */
  record Snapshot(
      Map<String, Double> total,
      Map<String, Double> compiling,
      Map<String, Double> postgresKinds) {}

  Snapshot snapshot() {
    Map<String, Double> seconds = new LinkedHashMap<>();
    Map<String, Double> compiling = new LinkedHashMap<>();
    components.forEach(
        (name, pids) -> {
          seconds.put(name, pids.stream().mapToDouble(ProcessCpu::cpuSeconds).sum());
          compiling.put(name, pids.stream().mapToDouble(ProcessCpu::compilerSeconds).sum());
        });
    Map<String, Double> kinds = new LinkedHashMap<>();
    postmasters.forEach(
        (name, postmaster) -> {
          double server = cpuSeconds(postmaster);
          kinds.merge(name + ": background processes", server, Double::sum);
          for (long child : childrenOf(postmaster)) {
            double used = cpuSeconds(child);
            server += used;
            kinds.merge(name + ": " + postgresKind(child), used, Double::sum);
          }
          seconds.put(name, server);
        });
    return new Snapshot(seconds, compiling, kinds);
  }

  /**
   * What a PostgreSQL process does, from the title it sets ({@code postgres: orders orders
   * 127.0.0.1(5432) idle}, {@code postgres: walsender billing ... streaming 0/5063468}): a
   * database's backends, a WAL sender by the role it serves (a service's role for its outbox
   * connector's logical slot, the superuser for the standby), the standby's WAL receiver and
   * recovery, or one of the background processes.
   */
  private static String postgresKind(long pid) {
    String title;
    try {
      title = Files.readString(Path.of("/proc", Long.toString(pid), "cmdline")).replace('\0', ' ');
    } catch (IOException e) {
      return "background processes"; // ended since it was listed
    }
    String[] words = title.replaceFirst("^postgres: ", "").trim().split("\\s+");
    if (words.length >= 2 && words[0].equals("walsender")) {
      return "WAL sender for " + words[1];
    }
    if (words[0].equals("walreceiver")) {
      return "WAL receiver";
    }
    if (words[0].equals("startup")) {
      return "recovery (replay)";
    }
    // A backend's title: role, database, client address, state.
    if (words.length >= 3 && words[2].contains("(")) {
      return "backends of " + words[1];
    }
    return "background processes";
  }

  /**
   * Each PostgreSQL server's CPU per unit of work by kind of process, the largest first: what its
   * own total is made of.
   */
  static List<String> postgresTable(Snapshot before, Snapshot after, long units, String unit) {
    double perUnit = 1000.0 / Math.max(1, units);
    List<String> lines = new ArrayList<>();
    lines.add("| PostgreSQL process | CPU ms per " + unit + " |");
    lines.add("|---|---:|");
    after.postgresKinds().entrySet().stream()
        .map(e -> Map.entry(e.getKey(), used(before.postgresKinds(), e.getKey(), e.getValue())))
        .filter(e -> e.getValue() * perUnit >= 0.01)
        .sorted(Map.Entry.<String, Double>comparingByValue().reversed())
        .forEach(
            e ->
                lines.add(
                    String.format(
                        Locale.ROOT, "| %s | %.2f |", e.getKey(), e.getValue() * perUnit)));
    return lines;
  }

  /** Cores each component used between two snapshots {@code wallSeconds} apart. */
  static Map<String, Double> rates(Snapshot before, Snapshot after, double wallSeconds) {
    Map<String, Double> cores = new LinkedHashMap<>();
    after
        .total()
        .forEach(
            (name, seconds) -> cores.put(name, used(before.total(), name, seconds) / wallSeconds));
    return cores;
  }

  /**
   * One table line per component: CPU ms per unit of work between two snapshots, the share of one
   * core over {@code wallSeconds}, the same less what the component uses idle ({@code idleCores},
   * from {@link #rates}), and how much of it the JIT compilers used. The total leaves out {@code
   * apart} (the load generator), which gets a line of its own after it. A PostgreSQL backend that
   * ended between the snapshots is not counted (the services keep pooled connections, so few do).
   */
  static List<String> table(
      Snapshot before,
      Snapshot after,
      double wallSeconds,
      long units,
      String unit,
      Map<String, Double> idleCores,
      String apart) {
    List<String> lines = new ArrayList<>();
    lines.add(
        "| component | CPU ms per "
            + unit
            + " | cores used | cores used idle | ms per "
            + unit
            + ", idle use subtracted | of which JIT compilation, ms |");
    lines.add("|---|---:|---:|---:|---:|---:|");
    Line total = new Line("**all but the load generator**", 0, 0, 0);
    Line generator = null;
    for (String name : after.total().keySet()) {
      Line line =
          new Line(
              name,
              used(before.total(), name, after.total().get(name)),
              idleCores.getOrDefault(name, 0.0),
              used(before.compiling(), name, after.compiling().getOrDefault(name, 0.0)));
      if (name.equals(apart)) {
        generator = line;
        continue;
      }
      total = total.plus(line);
      lines.add(line.row(wallSeconds, units));
    }
    lines.add(total.row(wallSeconds, units));
    if (generator != null) {
      lines.add(generator.row(wallSeconds, units));
    }
    return lines;
  }

  /** A component's CPU seconds between two snapshots, its idle cores, its JIT's seconds. */
  private record Line(String name, double seconds, double idleCores, double compiling) {
    Line plus(Line other) {
      return new Line(
          name, seconds + other.seconds, idleCores + other.idleCores, compiling + other.compiling);
    }

    String row(double wallSeconds, long units) {
      double busy = Math.max(0, seconds - idleCores * wallSeconds);
      double perUnit = units == 0 ? 0 : 1000.0 / units;
      return String.format(
          Locale.ROOT,
          "| %s | %.2f | %.2f | %.2f | %.2f | %.2f |",
          name,
          seconds * perUnit,
          seconds / wallSeconds,
          idleCores,
          busy * perUnit,
          compiling * perUnit);
    }
  }

  private static double used(Map<String, Double> before, String name, double seconds) {
    return Math.max(0, seconds - before.getOrDefault(name, 0.0));
  }

  private static double cpuSeconds(long pid) {
    String[] fields = stat(pid);
    return fields == null
        ? 0 // ended since it was listed
        : (Long.parseLong(fields[11]) + Long.parseLong(fields[12])) / TICKS_PER_SECOND;
  }

  /** CPU seconds of the JVM {@code pid}'s JIT compiler threads ({@code C1/C2 CompilerThread}). */
  private static double compilerSeconds(long pid) {
    try (Stream<Path> threads = Files.list(Path.of("/proc", Long.toString(pid), "task"))) {
      return threads
          .mapToDouble(
              thread -> {
                try {
                  String stat = Files.readString(thread.resolve("stat"));
                  String name = stat.substring(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
                  if (!name.matches("C\\d CompilerThre.*")) {
                    return 0;
                  }
                  String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
                  return (Long.parseLong(fields[11]) + Long.parseLong(fields[12]))
                      / TICKS_PER_SECOND;
                } catch (IOException | RuntimeException e) {
                  return 0; // ended since it was listed
                }
              })
          .sum();
    } catch (IOException e) {
      return 0;
    }
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

  /**
   * The processes whose command line holds every one of {@code fragments}: Redis, which rewrites
   * its command line to {@code redis-server host:port}, is found by its port.
   */
  static List<Long> withCommandLine(String... fragments) {
    try (Stream<Path> processes = Files.list(Path.of("/proc"))) {
      return processes
          .map(path -> path.getFileName().toString())
          .filter(name -> !name.isEmpty() && name.chars().allMatch(Character::isDigit))
          .filter(
              pid -> {
                try {
                  String line =
                      Files.readString(Path.of("/proc", pid, "cmdline")).replace('\0', ' ');
                  return Stream.of(fragments).allMatch(line::contains);
                } catch (IOException | RuntimeException e) {
                  return false; // ended since it was listed
                }
              })
          .map(Long::parseLong)
          .toList();
    } catch (IOException e) {
      return List.of();
    }
  }

  private static List<Long> childrenOf(long postmaster) {
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
