package dev.tessera.eventing.bench;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tessera.cdc.OutboxConnector;
import dev.tessera.contracts.EventHeaders;
import dev.tessera.eventing.PlatformMigrations;
import dev.tessera.servers.Database;
import dev.tessera.servers.LocalKafkaConnect;
import dev.tessera.servers.Postgres;
import dev.tessera.servers.Servers;
import dev.tessera.testing.TesseraServers;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.locks.LockSupport;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;

/**
 * Commit → consumer latency of the outbox path (PostgreSQL WAL → Debezium → Kafka → a consumer's
 * poll) on the real servers, at steady rates and in a burst, and Connect's CPU with no traffic.
 * Baselines measured in the same run: Debezium's batching with a 10 ms poll interval, Debezium's
 * defaults, and a direct Kafka produce → consume (the floor without CDC).
 *
 * <p>Not part of {@code verify}: {@code ./mvnw -B verify -Pbenchmark -pl platform/eventing -am}.
 */
class OutboxLatencyBenchmark {

  private static final String SERVICE = "bench";
  private static final int IDLE_SECONDS = 10;
  private static final String TOPIC = SERVICE + ".load.events";
  private static final String INSERT =
      "insert into outbox (id, aggregatetype, aggregateid, type, payload, traceparent)"
          + " values (?, 'load', ?, 'LoadGenerated', cast(? as jsonb), ?)";
  private static final String DELETE = "delete from outbox where id = ?";
  private static final String PAYLOAD =
      "{\"orderId\":\"%s\",\"userId\":\"%s\",\"items\":[{\"sku\":\"SKU-1\",\"name\":\"Widget\","
          + "\"quantity\":2,\"unitPrice\":{\"amount\":1999,\"currency\":\"EUR\"}}],"
          + "\"total\":{\"amount\":3998,\"currency\":\"EUR\"},\"placedAt\":\"2026-11-28T10:00:00Z\"}";

  private final Map<String, Long> committedAt = new ConcurrentHashMap<>();
  private final Map<String, Long> receivedAt = new ConcurrentHashMap<>();

  @Test
  void commit_to_consumer_latency_and_burst_throughput() throws Exception {
    Servers servers = TesseraServers.shared();
    Database db = servers.postgres().createDatabase(SERVICE, SERVICE, "bench-" + UUID.randomUUID());
    try (Connection connection = servers.postgres().connect(db.name(), db.owner())) {
      migrate(connection);
      OutboxConnector connector = new OutboxConnector(SERVICE);
      OutboxConnector.Database source =
          new OutboxConnector.Database(
              servers.postgres().hostForConnect(),
              servers.postgres().portForConnect(),
              db.name(),
              db.owner().username(),
              db.owner().password());
      List<String> report = new ArrayList<>();
      try (Reader reader = new Reader(servers.kafka().bootstrapServers(), TOPIC)) {
        reader.start();
        Map<String, String> tessera = connector.config(source);
        useConnector(servers, connector, tessera);
        steady(connection, reader, 500, 2_000); // warm-up (JIT, connector), not reported
        Stats at200 = steady(connection, reader, 200, 1_000);
        Stats at500 = steady(connection, reader, 500, 1_000);
        Burst burst = burst(db, servers.postgres(), reader, 10_000, 4);
        double idle = idleCpuShare(servers);

        // The earlier choice: Debezium's batches, a 10 ms poll interval.
        useConnector(
            servers, connector, with(tessera, "max.batch.size", "2048", "poll.interval.ms", "10"));
        steady(connection, reader, 200, 200);
        Stats shortPoll = steady(connection, reader, 200, 1_000);
        double shortPollIdle = idleCpuShare(servers);

        useConnector(
            servers, connector, with(tessera, "max.batch.size", "2048", "poll.interval.ms", "500"));
        steady(connection, reader, 200, 100);
        Stats defaults = steady(connection, reader, 200, 1_000);
        double defaultsIdle = idleCpuShare(servers);

        Stats direct = direct(servers.kafka().bootstrapServers(), 200, 1_000);

        report.add("| scenario | events | p50 ms | p90 ms | p99 ms | max ms |");
        report.add("|---|---:|---:|---:|---:|---:|");
        String ours =
            " (Tessera: batch "
                + OutboxConnector.MAX_BATCH_SIZE
                + ", poll "
                + OutboxConnector.POLL_INTERVAL.toMillis()
                + " ms)";
        report.add(at200.row("outbox → consumer, 200 events/s" + ours));
        report.add(at500.row("outbox → consumer, 500 events/s" + ours));
        report.add(shortPoll.row("baseline: 200 events/s, batch 2048, poll 10 ms"));
        report.add(defaults.row("baseline: 200 events/s, Debezium defaults (2048, 500 ms)"));
        report.add(direct.row("baseline: direct Kafka produce → consume, 200 events/s"));
        report.add("");
        report.add(
            String.format(
                Locale.ROOT,
                "burst of %d events (one transaction each, 4 connections): committed in %.2f s"
                    + " (%.0f commits/s), all consumed after %.2f s → %.0f events/s end to end",
                burst.events,
                burst.commitSeconds,
                burst.events / burst.commitSeconds,
                burst.endToEndSeconds,
                burst.events / burst.endToEndSeconds));
        report.add(
            String.format(
                Locale.ROOT,
                "Connect's CPU with no traffic (one connector), in cores: Tessera %.3f,"
                    + " batch 2048 + poll 10 ms %.3f, Debezium defaults %.3f",
                idle,
                shortPollIdle,
                defaultsIdle));
        report.add(
            String.format(
                Locale.ROOT,
                "ratios: p50 at 200/s, Debezium defaults vs Tessera = %.1fx, poll 10 ms vs Tessera"
                    + " = %.1fx; outbox vs direct Kafka = %.1fx",
                defaults.p50 / at200.p50,
                shortPoll.p50 / at200.p50,
                at200.p50 / direct.p50));
        report.add(
            "machine: "
                + Runtime.getRuntime().availableProcessors()
                + " cores, Java "
                + System.getProperty("java.version")
                + ", "
                + LocalDate.now());
        System.out.println("\n=== Outbox benchmark ===\n" + String.join("\n", report) + "\n");
        assertThat(at500.count).isEqualTo(1_000);
      } finally {
        servers.connect().deleteConnector(connector.name());
        try (Statement s = connection.createStatement()) {
          s.execute("select pg_drop_replication_slot('" + connector.slotName() + "')");
        } catch (SQLException ignored) {
          // The slot goes with the server's data at the end of the run anyway.
        }
      }
    }
  }

  private static void useConnector(
      Servers servers, OutboxConnector connector, Map<String, String> config) {
    servers.connect().createOrUpdateConnector(connector.name(), config);
    servers.connect().awaitConnectorRunning(connector.name(), Duration.ofSeconds(60));
  }

  private static Map<String, String> with(Map<String, String> config, String... keysAndValues) {
    Map<String, String> changed = new java.util.LinkedHashMap<>(config);
    for (int i = 0; i < keysAndValues.length; i += 2) {
      changed.put(keysAndValues[i], keysAndValues[i + 1]);
    }
    return changed;
  }

  /**
   * Connect's CPU over {@value #IDLE_SECONDS} s with no event to stream, in cores (NaN when Connect
   * is not a local process).
   */
  private static double idleCpuShare(Servers servers) {
    if (!(servers.connect() instanceof LocalKafkaConnect local)) {
      return Double.NaN;
    }
    ProcessHandle connect = ProcessHandle.of(local.pid()).orElseThrow();
    Duration before = connect.info().totalCpuDuration().orElseThrow();
    long start = System.nanoTime();
    LockSupport.parkNanos(Duration.ofSeconds(IDLE_SECONDS).toNanos());
    Duration used = connect.info().totalCpuDuration().orElseThrow().minus(before);
    return used.toNanos() / (double) (System.nanoTime() - start);
  }

  /** Commits {@code count} events at {@code rate} per second and waits until all are consumed. */
  private Stats steady(Connection connection, Reader reader, int rate, int count)
      throws SQLException, InterruptedException {
    List<String> ids = new ArrayList<>(count);
    long period = 1_000_000_000L / rate;
    long next = System.nanoTime();
    for (int i = 0; i < count; i++) {
      LockSupport.parkNanos(next - System.nanoTime());
      next += period;
      ids.add(commitOne(connection));
    }
    reader.awaitAll(ids, Duration.ofSeconds(60));
    return Stats.of(ids, committedAt, receivedAt);
  }

  /**
   * {@code count} events as fast as {@code writers} connections can commit them, one transaction
   * each: how fast the CDC path drains a backlog.
   */
  private Burst burst(Database db, Postgres postgres, Reader reader, int count, int writers)
      throws Exception {
    List<String> ids = java.util.Collections.synchronizedList(new ArrayList<>(count));
    ExecutorService pool = Executors.newFixedThreadPool(writers);
    long start = System.nanoTime();
    try {
      List<Future<?>> done = new ArrayList<>();
      for (int w = 0; w < writers; w++) {
        done.add(
            pool.submit(
                () -> {
                  try (Connection c = postgres.connect(db.name(), db.owner())) {
                    c.setAutoCommit(false);
                    for (int i = 0; i < count / writers; i++) {
                      ids.add(commitOne(c));
                    }
                  }
                  return null;
                }));
      }
      for (Future<?> f : done) {
        f.get();
      }
    } finally {
      pool.shutdown();
    }
    long committed = System.nanoTime();
    reader.awaitAll(ids, Duration.ofSeconds(120));
    long lastReceived = ids.stream().mapToLong(receivedAt::get).max().orElseThrow();
    return new Burst(ids.size(), (committed - start) / 1e9, (lastReceived - start) / 1e9);
  }

  /** One event in its own transaction, exactly as the outbox writer does it. */
  private String commitOne(Connection connection) throws SQLException {
    UUID id = UUID.randomUUID();
    UUID aggregate = UUID.randomUUID();
    try (PreparedStatement insert = connection.prepareStatement(INSERT);
        PreparedStatement delete = connection.prepareStatement(DELETE)) {
      insert.setObject(1, id);
      insert.setString(2, aggregate.toString());
      insert.setString(3, String.format(PAYLOAD, aggregate, id));
      insert.setString(4, "00-" + id.toString().replace("-", "") + "-0000000000000001-01");
      insert.executeUpdate();
      delete.setObject(1, id);
      delete.executeUpdate();
      connection.commit();
    }
    committedAt.put(id.toString(), System.nanoTime());
    return id.toString();
  }

  /** The floor: records produced straight to Kafka and consumed, no database and no CDC. */
  private Stats direct(String bootstrap, int rate, int count) throws Exception {
    String topic = "bench.direct." + UUID.randomUUID();
    try (Reader reader = new Reader(bootstrap, topic);
        var producer =
            new KafkaProducer<>(
                Map.<String, Object>of(
                    ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
                    bootstrap,
                    ProducerConfig.LINGER_MS_CONFIG,
                    0),
                new StringSerializer(),
                new StringSerializer())) {
      reader.start();
      List<String> ids = new ArrayList<>(count);
      long period = 1_000_000_000L / rate;
      long next = System.nanoTime();
      for (int i = 0; i < count + 100; i++) {
        LockSupport.parkNanos(next - System.nanoTime());
        next += period;
        String id = UUID.randomUUID().toString();
        var record = new ProducerRecord<>(topic, id, String.format(PAYLOAD, id, id));
        record.headers().add(EventHeaders.ID, id.getBytes(StandardCharsets.UTF_8));
        producer.send(record).get();
        committedAt.put(id, System.nanoTime());
        if (i >= 100) { // the first hundred warm the path up
          ids.add(id);
        }
      }
      reader.awaitAll(ids, Duration.ofSeconds(60));
      return Stats.of(ids, committedAt, receivedAt);
    }
  }

  private static void migrate(Connection connection) throws SQLException {
    PlatformMigrations.apply(connection);
    connection.setAutoCommit(false);
  }

  /** A consumer polling in its own thread, noting when each event id arrives. */
  private final class Reader implements AutoCloseable {
    private final KafkaConsumer<String, String> consumer;
    private final Thread thread;
    private volatile boolean running = true;

    Reader(String bootstrap, String topic) throws Exception {
      try (Admin admin =
          Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
        admin.createTopics(List.of(new NewTopic(topic, 1, (short) 1))).all().get();
      } catch (ExecutionException e) {
        if (!(e.getCause() instanceof TopicExistsException)) {
          throw e;
        }
      }
      consumer =
          new KafkaConsumer<>(
              Map.of(
                  ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
                  bootstrap,
                  ConsumerConfig.GROUP_ID_CONFIG,
                  "bench-" + UUID.randomUUID(),
                  ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG,
                  "false"),
              new StringDeserializer(),
              new StringDeserializer());
      var partitions =
          consumer.partitionsFor(topic, Duration.ofSeconds(30)).stream()
              .map(p -> new TopicPartition(topic, p.partition()))
              .toList();
      consumer.assign(partitions);
      consumer.seekToEnd(partitions);
      partitions.forEach(consumer::position);
      thread = new Thread(this::run, "bench-reader-" + topic);
    }

    void start() {
      thread.start();
    }

    private void run() {
      while (running) {
        for (ConsumerRecord<String, String> record : consumer.poll(Duration.ofMillis(100))) {
          long now = System.nanoTime();
          Header id = record.headers().lastHeader(EventHeaders.ID);
          if (id != null) {
            receivedAt.putIfAbsent(new String(id.value(), StandardCharsets.UTF_8), now);
          }
        }
      }
      consumer.close(Duration.ofSeconds(5));
    }

    void awaitAll(List<String> ids, Duration timeout) throws InterruptedException {
      long deadline = System.nanoTime() + timeout.toNanos();
      while (!ids.stream().allMatch(receivedAt::containsKey)) {
        if (System.nanoTime() > deadline) {
          long missing = ids.stream().filter(id -> !receivedAt.containsKey(id)).count();
          throw new AssertionError(missing + " of " + ids.size() + " events never arrived");
        }
        LockSupport.parkNanos(Duration.ofMillis(20).toNanos());
      }
    }

    @Override
    public void close() throws InterruptedException {
      running = false;
      thread.join(10_000);
    }
  }

  private record Burst(int events, double commitSeconds, double endToEndSeconds) {}

  private record Stats(int count, double p50, double p90, double p99, double max) {
    static Stats of(List<String> ids, Map<String, Long> from, Map<String, Long> to) {
      double[] millis =
          ids.stream().mapToDouble(id -> Math.max(0, to.get(id) - from.get(id)) / 1e6).toArray();
      Arrays.sort(millis);
      return new Stats(
          millis.length,
          percentile(millis, 50),
          percentile(millis, 90),
          percentile(millis, 99),
          millis[millis.length - 1]);
    }

    private static double percentile(double[] sorted, double p) {
      int index = (int) Math.ceil(p / 100 * sorted.length) - 1;
      return sorted[Math.max(0, Math.min(sorted.length - 1, index))];
    }

    String row(String scenario) {
      return String.format(
          Locale.ROOT,
          "| %s | %d | %.1f | %.1f | %.1f | %.1f |",
          scenario,
          count,
          p50,
          p90,
          p99,
          max);
    }
  }
}
