package dev.tessera.gateway.bench;

import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * nginx as a plain reverse proxy in front of the benchmark's upstream: the baseline of what a proxy
 * hop costs on this machine. Runs in the foreground as a child process, with its configuration,
 * pid, logs and temp files under one directory of {@code target}.
 */
final class NginxProxy implements AutoCloseable {

  /** Where Debian's {@code nginx-light} (or {@code nginx}) package installs it. */
  static final String BINARY = "/usr/sbin/nginx";

  private final Process process;
  private final Path dir;

  private NginxProxy(Process process, Path dir) {
    this.process = process;
    this.dir = dir;
  }

  /** nginx listening on {@code 127.0.0.1:port}, proxying everything to {@code upstreamPort}. */
  static NginxProxy start(Path dir, int port, int upstreamPort) throws IOException {
    Files.createDirectories(dir.resolve("logs"));
    Files.createDirectories(dir.resolve("temp"));
    Path conf = dir.resolve("nginx.conf");
    Files.writeString(conf, config(dir, port, upstreamPort), StandardCharsets.UTF_8);
    Process process =
        new ProcessBuilder(
                BINARY,
                "-p",
                dir.toString(),
                "-c",
                conf.toString(),
                // Before the configuration is read, nginx would log to /var/log/nginx otherwise.
                "-e",
                dir.resolve("logs/error.log").toString())
            .redirectErrorStream(true)
            .redirectOutput(dir.resolve("logs/nginx.out").toFile())
            .start();
    NginxProxy nginx = new NginxProxy(process, dir);
    try {
      await()
          .atMost(Duration.ofSeconds(15))
          .pollInterval(Duration.ofMillis(50))
          .until(
              () -> {
                if (!process.isAlive()) {
                  throw new IllegalStateException("nginx exited:\n" + nginx.log());
                }
                return listening(port);
              });
    } catch (RuntimeException e) {
      nginx.close();
      throw e;
    }
    return nginx;
  }

  static String config(Path dir, int port, int upstreamPort) {
    String temp = dir.resolve("temp").toString();
    return """
    daemon off;
    worker_processes auto;
    pid %1$s/nginx.pid;
    error_log %1$s/logs/error.log warn;

    events {
      worker_connections 1024;
    }

    http {
      access_log off;
      client_body_temp_path %2$s/client_body;
      proxy_temp_path %2$s/proxy;
      fastcgi_temp_path %2$s/fastcgi;
      uwsgi_temp_path %2$s/uwsgi;
      scgi_temp_path %2$s/scgi;
      # Like the gateway: client connections stay open for the whole run.
      keepalive_requests 100000000;
      keepalive_timeout 75s;

      upstream bench {
        server 127.0.0.1:%4$d;
        keepalive 64;
        keepalive_requests 100000000;
      }

      server {
        listen 127.0.0.1:%3$d;
        location / {
          proxy_pass http://bench;
          proxy_http_version 1.1;
          proxy_set_header Connection "";
        }
      }
    }
    """
        .formatted(dir, temp, port, upstreamPort);
  }

  private static boolean listening(int port) {
    try (Socket socket = new Socket()) {
      socket.connect(new InetSocketAddress("127.0.0.1", port), 200);
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  /** CPU time used so far by the master and its workers. */
  long cpuNanos() {
    return java.util.stream.Stream.concat(
            java.util.stream.Stream.of(process.toHandle()), process.descendants())
        .mapToLong(p -> p.info().totalCpuDuration().map(d -> d.toNanos()).orElse(0L))
        .sum();
  }

  /** What nginx logged (startup problems). */
  String log() {
    try {
      Path out = dir.resolve("logs/nginx.out");
      Path err = dir.resolve("logs/error.log");
      return (Files.exists(out) ? Files.readString(out) : "")
          + (Files.exists(err) ? Files.readString(err) : "");
    } catch (IOException e) {
      return "(log unreadable: " + e + ")";
    }
  }

  /** Stops nginx (TERM: fast shutdown of master and workers), forcibly if it lingers. */
  @Override
  public void close() {
    process.destroy();
    try {
      if (!process.waitFor(10, TimeUnit.SECONDS)) {
        process.descendants().forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly();
        process.waitFor(10, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      process.destroyForcibly();
    }
  }
}
