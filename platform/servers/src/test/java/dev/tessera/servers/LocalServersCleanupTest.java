package dev.tessera.servers;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

class LocalServersCleanupTest {

  @Test
  void closing_the_servers_stops_every_process_and_leaves_nothing_in_the_temp_dir()
      throws Exception {
    Path tmp = Path.of(System.getProperty("java.io.tmpdir"));
    Files.createDirectories(tmp);
    Set<String> before = list(tmp);

    LocalServers servers = LocalServers.start();
    Path root = servers.root();
    List<ProcessHandle> children =
        List.of(
            ProcessHandle.of(servers.kafka().pid()).orElseThrow(),
            ProcessHandle.of(servers.connect().pid()).orElseThrow());
    assertThat(root).startsWith(tmp);
    assertThat(list(tmp)).isNotEqualTo(before);

    servers.close();

    assertThat(children).noneMatch(ProcessHandle::isAlive);
    assertThat(root).doesNotExist();
    assertThat(list(tmp)).isEqualTo(before);
  }

  private static Set<String> list(Path dir) throws IOException {
    try (Stream<Path> entries = Files.list(dir)) {
      return entries.map(p -> p.getFileName().toString()).collect(Collectors.toSet());
    }
  }
}
