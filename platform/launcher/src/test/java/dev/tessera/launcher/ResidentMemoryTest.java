package dev.tessera.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

class ResidentMemoryTest {

  @Test
  void counts_a_process_tree_with_shared_pages_once_in_pss() throws Exception {
    Assumptions.assumeTrue(Files.exists(Path.of("/proc/self/smaps_rollup")), "Linux only");
    Process child = new ProcessBuilder("sleep", "30").start();
    try {
      ResidentMemory memory =
          ResidentMemory.ofTrees(List.of(ProcessHandle.current().pid())).orElseThrow();

      assertThat(memory.processes()).isGreaterThanOrEqualTo(2); // this JVM and its child
      assertThat(memory.pssKiB()).isPositive();
      // PSS divides each shared page among the processes that map it: never more than RSS.
      assertThat(memory.rssKiB()).isGreaterThanOrEqualTo(memory.pssKiB());
      assertThat(memory.toString()).contains("GB PSS").contains("processes");
    } finally {
      child.destroy();
    }
  }

  @Test
  void is_empty_for_processes_that_do_not_exist() {
    assertThat(ResidentMemory.ofTrees(List.of(Long.MAX_VALUE))).isEmpty();
  }
}
