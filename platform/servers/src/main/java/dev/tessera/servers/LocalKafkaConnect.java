package dev.tessera.servers;

import java.io.IOException;
import java.io.OutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;

/**
 * A Kafka Connect worker in distributed mode, with Debezium's Postgres connector, in a child JVM of
 * its own.
 *
 * <p>Distributed mode keeps connector configs, source offsets and statuses in Kafka topics (of
 * replication factor 1), so after {@link #restart()} the worker picks its connectors up again and
 * each resumes where it committed — as on a real Connect cluster.
 */
public final class LocalKafkaConnect extends LocalServer implements KafkaConnect {

  static final String MAIN_CLASS = "dev.tessera.servers.runtime.ConnectWorkerMain";

  /** Heap and GC of the child JVM: bounded, and cheap on a 2-core machine. */
  static final List<String> JVM_OPTIONS =
      List.of(
          "-Xms64m",
          "-Xmx768m",
          "-XX:+UseSerialGC",
          "-XX:+ExitOnOutOfMemoryError",
          "-XX:-UsePerfData",
          "-Djava.awt.headless=true");

  /** Kafka Connect's group id and the prefix of its internal topics. */
  public static final String GROUP_ID = "tessera-connect";

  private static final Duration START_TIMEOUT = Duration.ofSeconds(120);
  private static final Duration STOP_GRACE = Duration.ofSeconds(30);
  private static final HttpClient HTTP =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

  private final Kafka kafka;
  private final int port = FreePorts.next();
  private final Compilation compilation;
  private ChildJvm jvm;

  /** A worker of {@code kafka} that keeps its log in {@code directory}. */
  public LocalKafkaConnect(Kafka kafka, Path directory, boolean keepData) {
    this(kafka, directory, keepData, Compilation.QUICK_START);
  }

  /** A worker of {@code kafka} whose JVM compiles for {@code compilation}. */
  public LocalKafkaConnect(Kafka kafka, Path directory, boolean keepData, Compilation compilation) {
    super("kafka-connect", directory, keepData);
    this.kafka = kafka;
    this.compilation = compilation;
  }

  @Override
  public String restUrl() {
    return "http://127.0.0.1:" + port;
  }

  /** The options its JVM runs with (heap, GC, compilation), without per-start paths. */
  public List<String> jvmOptions() {
    return compilation.after(JVM_OPTIONS);
  }

  /** Process id of the worker JVM, while it runs. */
  public long pid() {
    return jvm.pid();
  }

  @Override
  protected void doStart() throws Exception {
    Path tmp = Directories.create(directory().resolve("tmp"));
    Path properties = directory().resolve("worker.properties");
    writeProperties(properties);
    List<String> options = new ArrayList<>(jvmOptions());
    options.add("-Djava.io.tmpdir=" + tmp);
    jvm =
        new ChildJvm(
            "kafka-connect",
            MAIN_CLASS,
            options,
            List.of(properties.toString()),
            directory(),
            directory().resolve("server.log"));
    jvm.start();
    awaitHealthy();
  }

  @Override
  protected void doStop() throws Exception {
    if (jvm != null) {
      jvm.stop(STOP_GRACE);
      jvm = null;
    }
  }

  @Override
  protected void doKill() throws Exception {
    if (jvm != null) {
      jvm.kill();
      jvm = null;
    }
  }

  @Override
  protected int shutdownRank() {
    return 0;
  }

  private void writeProperties(Path file) throws IOException {
    Properties p = new Properties();
    p.putAll(
        Map.ofEntries(
            Map.entry("bootstrap.servers", kafka.bootstrapServers()),
            Map.entry("group.id", GROUP_ID),
            Map.entry("config.storage.topic", GROUP_ID + "-configs"),
            Map.entry("offset.storage.topic", GROUP_ID + "-offsets"),
            Map.entry("status.storage.topic", GROUP_ID + "-status"),
            Map.entry("config.storage.replication.factor", "1"),
            Map.entry("offset.storage.replication.factor", "1"),
            Map.entry("status.storage.replication.factor", "1"),
            Map.entry("offset.storage.partitions", "1"),
            Map.entry("status.storage.partitions", "1"),
            Map.entry("key.converter", "org.apache.kafka.connect.json.JsonConverter"),
            Map.entry("value.converter", "org.apache.kafka.connect.json.JsonConverter"),
            Map.entry("key.converter.schemas.enable", "false"),
            Map.entry("value.converter.schemas.enable", "false"),
            Map.entry("listeners", restUrl()),
            Map.entry("rest.advertised.host.name", "127.0.0.1"),
            Map.entry("rest.advertised.port", Integer.toString(port)),
            // Scanning every jar for plugins costs ~5 s and ~1.5 GB; the service loader is instant.
            Map.entry("plugin.discovery", "service_load"),
            // A restarted worker gets its connectors back at once, not after the 5-minute delay
            // meant for rolling restarts of a real cluster.
            Map.entry("scheduled.rebalance.max.delay.ms", "0"),
            // Source offsets are committed every second, so a killed worker repeats little.
            Map.entry("offset.flush.interval.ms", "1000"),
            Map.entry("task.shutdown.graceful.timeout.ms", "5000")));
    try (OutputStream out = Files.newOutputStream(file)) {
      p.store(out, "Written by " + LocalKafkaConnect.class.getName() + " at every start");
    }
  }

  private void awaitHealthy() throws Exception {
    long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
    HttpRequest health =
        HttpRequest.newBuilder(URI.create(restUrl() + "/health"))
            .timeout(Duration.ofSeconds(5))
            .build();
    while (true) {
      if (!jvm.isAlive()) {
        throw new IllegalStateException(jvm.describeExit());
      }
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException(
            "Kafka Connect was not healthy within "
                + START_TIMEOUT
                + "; see "
                + directory().resolve("server.log"));
      }
      if (LocalKafka.accepts(port)) {
        try {
          // 200 only once the worker has joined its group and read the config topic.
          if (HTTP.send(health, HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
            return;
          }
        } catch (IOException e) {
          // REST server still starting.
        }
      }
      Pause.briefly();
    }
  }
}
