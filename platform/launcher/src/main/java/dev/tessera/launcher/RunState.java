package dev.tessera.launcher;

import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.Properties;

/**
 * What a running {@code ./tessera up} publishes for the other commands ({@code status}, {@code
 * down}, {@code logs}, {@code mail}): process ids, URLs and log files, in {@code run.properties}.
 */
final class RunState {

  private final Path file;
  private final Properties values;

  private RunState(Path file, Properties values) {
    this.file = file;
    this.values = values;
  }

  static Path fileIn(Path dataDirectory) {
    return dataDirectory.resolve("run.properties");
  }

  /** Records the running system. */
  static RunState write(TesseraSystem system) {
    Properties p = new Properties();
    p.setProperty("launcher.pid", Long.toString(ProcessHandle.current().pid()));
    p.setProperty("gateway.url", system.gatewayUrl());
    p.setProperty("mail.url", system.mailUrl());
    p.setProperty("kafka.bootstrap", system.servers().kafka().bootstrapServers());
    p.setProperty("server.kafka.pid", Long.toString(system.servers().kafka().pid()));
    p.setProperty("server.connect.pid", Long.toString(system.servers().connect().pid()));
    p.setProperty("server.connect.url", system.servers().connect().restUrl());
    p.setProperty(
        "server.postgres.url", "postgresql://127.0.0.1:" + system.servers().postgres().port());
    p.setProperty("server.redis.url", system.servers().redis().uri());
    system
        .servers()
        .standby()
        .ifPresent(
            standby -> {
              p.setProperty(
                  "server.postgres-standby.url", "postgresql://127.0.0.1:" + standby.port());
              pidIn(standby.directory())
                  .ifPresent(
                      pid -> p.setProperty("server.postgres-standby.pid", Long.toString(pid)));
            });
    // pg_ctl detaches the postmaster; Redis is a child of this process; SMTP runs inside it.
    postmasterPid(system)
        .ifPresent(pid -> p.setProperty("server.postgres.pid", Long.toString(pid)));
    ProcessHandle.current()
        .children()
        .filter(
            c -> c.info().command().filter(command -> command.contains("redis-server")).isPresent())
        .findFirst()
        .ifPresent(redis -> p.setProperty("server.redis.pid", Long.toString(redis.pid())));
    p.setProperty("server.smtp.pid", Long.toString(ProcessHandle.current().pid()));
    p.setProperty(
        "server.smtp.url",
        "smtp://" + system.servers().smtp().host() + ":" + system.servers().smtp().port());
    // Every database of each sharded service, for ./tessera shards: name@server-url, first first.
    for (String service : ShardsTool.SERVICES) {
      p.setProperty(
          "shards." + service,
          ShardsTool.databases(system).stream()
              .filter(database -> database.service().equals(service))
              .map(ShardsTool.ShardDatabase::toString)
              .collect(java.util.stream.Collectors.joining(",")));
    }
    StringBuilder ids = new StringBuilder();
    for (AppProcess app : system.allInstances()) {
      ids.append(ids.isEmpty() ? "" : ",").append(app.id());
      p.setProperty("app." + app.id() + ".pid", Long.toString(app.pid()));
      p.setProperty("app." + app.id() + ".url", app.url());
      p.setProperty("app." + app.id() + ".log", app.log().toString());
    }
    p.setProperty("apps", ids.toString());
    Path file = fileIn(system.options().dataDirectory());
    try (Writer writer = Files.newBufferedWriter(file)) {
      p.store(writer, "written by ./tessera up; removed when it stops");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return new RunState(file, p);
  }

  private static Optional<Long> postmasterPid(TesseraSystem system) {
    return pidIn(system.servers().postgres().directory());
  }

  private static Optional<Long> pidIn(Path serverDirectory) {
    Path pidFile = serverDirectory.resolve("data/postmaster.pid");
    try {
      return Optional.of(Long.parseLong(Files.readAllLines(pidFile).get(0).trim()));
    } catch (IOException | RuntimeException e) {
      return Optional.empty();
    }
  }

  /** The state of a running system, if its launcher is alive. */
  static Optional<RunState> read(Path dataDirectory) {
    Path file = fileIn(dataDirectory);
    if (!Files.exists(file)) {
      return Optional.empty();
    }
    Properties p = new Properties();
    try (Reader reader = Files.newBufferedReader(file)) {
      p.load(reader);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return Optional.of(new RunState(file, p));
  }

  String get(String key) {
    return values.getProperty(key);
  }

  long pid(String key) {
    String value = values.getProperty(key);
    return value == null ? -1 : Long.parseLong(value);
  }

  String[] apps() {
    String apps = values.getProperty("apps", "");
    return apps.isEmpty() ? new String[0] : apps.split(",");
  }

  boolean launcherAlive() {
    return ProcessHandle.of(pid("launcher.pid")).map(ProcessHandle::isAlive).orElse(false);
  }

  void delete() {
    try {
      Files.deleteIfExists(file);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
