package dev.tessera.servers;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.System.Logger.Level;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

/**
 * The whole set of servers on this machine, without Docker: PostgreSQL (zonky), Kafka and Kafka
 * Connect with Debezium (child JVMs), Redis and SMTP (GreenMail, in this JVM).
 *
 * <p>Each server keeps its files in a directory of its own under one root, which {@link #close()}
 * deletes unless asked to keep it. Start with {@link #start()} or {@link #builder()}.
 */
public final class LocalServers implements Servers {

  private static final System.Logger LOG = System.getLogger(LocalServers.class.getName());

  private final Path root;
  private final boolean keepData;
  private final boolean rootCreatedHere;
  private volatile LocalPostgres postgres;
  private volatile LocalPostgres standby;

  /** Primaries replaced by a {@link #failover()}: closed (and their data kept or not) on close. */
  private final List<LocalPostgres> formerPrimaries = new ArrayList<>();

  private final LocalKafka kafka;
  private final LocalKafkaConnect connect;
  private final LocalRedis redis;
  private final LocalSmtp smtp;
  private final Map<String, Duration> startTimes = new LinkedHashMap<>();
  private Duration totalStartTime = Duration.ZERO;

  private LocalServers(
      Path root,
      boolean keepData,
      boolean rootCreatedHere,
      Compilation compilation,
      boolean withStandby) {
    this.root = root;
    this.keepData = keepData;
    this.rootCreatedHere = rootCreatedHere;
    this.postgres = new LocalPostgres(root.resolve("postgres"), keepData);
    this.standby =
        withStandby
            ? LocalPostgres.standbyOf(
                postgres, root.resolve("postgres-standby"), keepData, Duration.ZERO)
            : null;
    this.kafka = new LocalKafka(root.resolve("kafka"), keepData, compilation);
    this.connect =
        new LocalKafkaConnect(kafka, root.resolve("kafka-connect"), keepData, compilation);
    this.redis = new LocalRedis(root.resolve("redis"), keepData);
    this.smtp = new LocalSmtp(root.resolve("smtp"));
  }

  /** Starts every server under a fresh directory in {@code java.io.tmpdir}, deleted on close. */
  public static LocalServers start() {
    return builder().start();
  }

  /** Chooses where the servers keep their data and whether it outlives them. */
  public static Builder builder() {
    return new Builder();
  }

  /** Options of a {@link LocalServers}. */
  public static final class Builder {
    private Path root;
    private boolean keepData;
    private Compilation compilation = Compilation.QUICK_START;
    private boolean standby;

    private Builder() {}

    /**
     * Also run a streaming hot standby of PostgreSQL ({@link LocalPostgres#standbyOf}), with the
     * primary's logical walsenders waiting for it ({@code synchronized_standby_slots}), so that a
     * promotion loses no outbox event; default {@code false}.
     */
    public Builder standby(boolean standby) {
      this.standby = standby;
      return this;
    }

    /** The directory for all data; default: a new {@code tessera-*} one in java.io.tmpdir. */
    public Builder root(Path root) {
      this.root = root;
      return this;
    }

    /** Keep data directories on close (the launcher does); default {@code false}. */
    public Builder keepData(boolean keepData) {
      this.keepData = keepData;
      return this;
    }

    /** How Kafka's and Connect's JVMs compile; default {@link Compilation#QUICK_START}. */
    public Builder compilation(Compilation compilation) {
      this.compilation = java.util.Objects.requireNonNull(compilation, "compilation");
      return this;
    }

    /** Starts every server and returns once all of them answer. */
    public LocalServers start() {
      boolean created = root == null;
      Path dir;
      try {
        dir =
            created
                ? Files.createTempDirectory(
                    // Builds point java.io.tmpdir at target/tmp, which may not exist yet.
                    Files.createDirectories(Path.of(System.getProperty("java.io.tmpdir"))),
                    "tessera-")
                : Files.createDirectories(root);
      } catch (IOException e) {
        throw new UncheckedIOException("cannot create the servers' directory", e);
      }
      LocalServers servers =
          new LocalServers(dir.toAbsolutePath(), keepData, created, compilation, standby);
      LocalServer.deleteAtExit(servers.root, created && !keepData);
      try {
        servers.startAll();
      } catch (RuntimeException | Error e) {
        servers.close();
        throw e;
      }
      return servers;
    }
  }

  private void startAll() {
    long started = System.nanoTime();
    try {
      // Written before any child process is forked, so none can inherit it open (TextFileBusy).
      LocalRedis.binary();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot extract the Redis binary", e);
    }
    // Two cores: Postgres (initdb + extraction) and Kafka (a JVM start) overlap well; Redis and
    // SMTP are instant; Connect needs Kafka.
    CompletableFuture<Void> pg =
        CompletableFuture.runAsync(
            () -> {
              startTimed(postgres);
              if (standby != null) {
                startTimed(standby);
                postgres.synchronizeStandbySlots(true);
              }
            });
    CompletableFuture<Void> kafkaThenConnect =
        CompletableFuture.runAsync(
            () -> {
              startTimed(kafka);
              startTimed(connect);
            });
    startTimed(redis);
    startTimed(smtp);
    try {
      CompletableFuture.allOf(pg, kafkaThenConnect).join();
    } catch (CompletionException e) {
      // Let both finish before close() runs, so nothing starts after we cleaned up.
      pg.exceptionally(t -> null).join();
      kafkaThenConnect.exceptionally(t -> null).join();
      throw e.getCause() instanceof RuntimeException r ? r : e;
    }
    totalStartTime = Duration.ofNanos(System.nanoTime() - started);
    LOG.log(
        Level.INFO,
        "tessera servers started in {0} ms: {1}",
        totalStartTime.toMillis(),
        startTimes);
  }

  private void startTimed(LocalServer server) {
    server.start();
    synchronized (startTimes) {
      startTimes.put(server.name(), server.lastStartTime());
    }
  }

  @Override
  public LocalPostgres postgres() {
    return postgres;
  }

  /** The streaming standby of {@link #postgres()}, when {@link Builder#standby} asked for one. */
  public java.util.Optional<LocalPostgres> standby() {
    return java.util.Optional.ofNullable(standby);
  }

  @Override
  public LocalKafka kafka() {
    return kafka;
  }

  @Override
  public LocalKafkaConnect connect() {
    return connect;
  }

  @Override
  public LocalRedis redis() {
    return redis;
  }

  @Override
  public LocalSmtp smtp() {
    return smtp;
  }

  /**
   * Fails over to the standby, as after the loss of the primary's node: SIGKILL to the primary
   * (unless it is down already), {@code pg_promote} on the standby, which from then on is {@link
   * #postgres()} (on its own port), with no standby. The primary's failover logical slots, which
   * the standby kept synchronized, are usable logical slots on the promoted server; whoever
   * connects to the database (services, Connect) must be pointed at its new address.
   *
   * @return the new primary
   * @throws IllegalStateException when there is no running standby to promote
   */
  public synchronized LocalPostgres failover() {
    LocalPostgres promoted = standby;
    if (promoted == null || !promoted.isRunning()) {
      throw new IllegalStateException("no running standby to fail over to");
    }
    LocalPostgres failed = postgres;
    if (failed.isRunning()) {
      failed.kill();
    }
    promoted.promote();
    synchronized (formerPrimaries) {
      formerPrimaries.add(failed);
    }
    postgres = promoted;
    standby = null;
    LOG.log(
        Level.INFO,
        "failed over from postgres on port {0} to the promoted standby on port {1}",
        failed.port(),
        promoted.port());
    return promoted;
  }

  /** The directory that holds every server's data. */
  public Path root() {
    return root;
  }

  /** How long each server took to start, by name, in start order. */
  public Map<String, Duration> startTimes() {
    synchronized (startTimes) {
      return java.util.Collections.unmodifiableMap(new LinkedHashMap<>(startTimes));
    }
  }

  /** Wall-clock time until every server answered (less than the sum: they start in parallel). */
  public Duration totalStartTime() {
    return totalStartTime;
  }

  @Override
  public void close() {
    List<RuntimeException> failures = new ArrayList<>();
    // Connect first: it commits its offsets to Kafka on the way down.
    closeQuietly(connect, failures);
    LocalPostgres standby = this.standby;
    if (standby != null) {
      closeQuietly(standby, failures);
    }
    synchronized (formerPrimaries) {
      formerPrimaries.forEach(former -> closeQuietly(former, failures));
    }
    LocalPostgres postgres = this.postgres;
    CompletableFuture<Void> others =
        CompletableFuture.allOf(
            CompletableFuture.runAsync(() -> closeQuietly(kafka, failures)),
            CompletableFuture.runAsync(() -> closeQuietly(postgres, failures)));
    closeQuietly(redis, failures);
    closeQuietly(smtp, failures);
    others.join();
    if (!keepData && rootCreatedHere) {
      Directories.deleteRecursively(root);
      LocalServer.deleteAtExit(root, false);
    }
    if (!failures.isEmpty()) {
      IllegalStateException e = new IllegalStateException("some servers did not close cleanly");
      failures.forEach(e::addSuppressed);
      throw e;
    }
  }

  private static void closeQuietly(LocalServer server, List<RuntimeException> failures) {
    try {
      server.close();
    } catch (RuntimeException e) {
      synchronized (failures) {
        failures.add(e);
      }
    }
  }

  @Override
  public String toString() {
    return "LocalServers[root="
        + root
        + ", postgres="
        + postgres.host()
        + ":"
        + postgres.port()
        + ", kafka="
        + kafka.bootstrapServers()
        + ", connect="
        + connect.restUrl()
        + ", redis="
        + redis.uri()
        + ", smtp="
        + smtp.host()
        + ":"
        + smtp.port()
        + "]";
  }
}
