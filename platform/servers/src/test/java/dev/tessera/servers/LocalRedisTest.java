package dev.tessera.servers;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class LocalRedisTest {

  private Path dir;

  @BeforeEach
  void createDirectory() throws IOException {
    // Under the build's java.io.tmpdir (target/tmp), like every server of the tests.
    Path tmp = Files.createDirectories(Path.of(System.getProperty("java.io.tmpdir")));
    dir = Files.createTempDirectory(tmp, "redis-test-");
  }

  @AfterEach
  void deleteDirectory() {
    Directories.deleteRecursively(dir);
  }

  @Test
  void a_restarted_server_still_has_what_was_written_before() throws Exception {
    try (LocalRedis redis = new LocalRedis(dir.resolve("redis"), false)) {
      redis.start();
      String key = "revoked:jti:" + UUID.randomUUID();
      assertThat(command(redis, "SET", key, "1")).isEqualTo("+OK");

      redis.restart();

      assertThat(command(redis, "GET", key)).isEqualTo("$1");
    }
  }

  /**
   * Many servers starting at once, each forking while others may still be writing the binary: a
   * child that inherited a write handle of the binary makes exec fail ("Text file busy").
   */
  @Test
  void servers_starting_at_once_all_start() throws Exception {
    int count = 8;
    List<LocalRedis> servers = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      servers.add(new LocalRedis(dir.resolve("redis-" + i), false));
    }
    ExecutorService threads = Executors.newFixedThreadPool(count);
    try {
      List<CompletableFuture<Void>> starts = new ArrayList<>();
      for (LocalRedis server : servers) {
        starts.add(CompletableFuture.runAsync(server::start, threads));
      }
      CompletableFuture.allOf(starts.toArray(CompletableFuture[]::new)).join();
      for (LocalRedis server : servers) {
        assertThat(command(server, "PING")).isEqualTo("+PONG");
      }
    } finally {
      servers.forEach(LocalRedis::close);
      threads.shutdown();
    }
  }

  /** Sends one command and returns the first line of the reply. */
  private static String command(LocalRedis redis, String... parts) throws IOException {
    try (Socket socket = new Socket(redis.host(), redis.port())) {
      StringBuilder request = new StringBuilder("*" + parts.length + "\r\n");
      for (String part : parts) {
        request.append('$').append(part.length()).append("\r\n").append(part).append("\r\n");
      }
      OutputStream out = socket.getOutputStream();
      out.write(request.toString().getBytes(StandardCharsets.UTF_8));
      out.flush();
      return new BufferedReader(
              new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8))
          .readLine();
    }
  }
}
