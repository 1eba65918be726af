package dev.tessera.launcher;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * The resident memory of a set of process trees, from Linux's {@code /proc/<pid>/smaps_rollup}: PSS
 * (each shared page divided among the processes that map it, so the total counts it once) and the
 * plain RSS sum (which counts, say, PostgreSQL's shared buffers once per backend).
 */
record ResidentMemory(int processes, long pssKiB, long rssKiB) {

  /** Of {@code roots} and all their descendants; empty where {@code /proc} has no smaps_rollup. */
  static Optional<ResidentMemory> ofTrees(List<Long> roots) {
    Set<Long> pids = new LinkedHashSet<>();
    for (long root : roots) {
      ProcessHandle.of(root)
          .ifPresent(
              process -> {
                pids.add(process.pid());
                process.descendants().forEach(child -> pids.add(child.pid()));
              });
    }
    long pss = 0;
    long rss = 0;
    int counted = 0;
    for (long pid : pids) {
      try {
        for (String line :
            Files.readAllLines(Path.of("/proc", Long.toString(pid), "smaps_rollup"))) {
          if (line.startsWith("Pss:")) {
            pss += kib(line);
          } else if (line.startsWith("Rss:")) {
            rss += kib(line);
          }
        }
        counted++;
      } catch (IOException | RuntimeException e) {
        // Ended since it was listed, or not Linux.
      }
    }
    return counted == 0 ? Optional.empty() : Optional.of(new ResidentMemory(counted, pss, rss));
  }

  private static long kib(String line) {
    return Long.parseLong(line.replaceAll("[^0-9]", ""));
  }

  @Override
  public String toString() {
    return String.format(
        Locale.ROOT,
        "%.2f GB PSS (%.2f GB as a plain RSS sum) in %d processes",
        pssKiB * 1024 / 1e9,
        rssKiB * 1024 / 1e9,
        processes);
  }
}
