package dev.tessera.servers;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;

/**
 * A single-node Kafka in KRaft combined mode (broker and controller in one process), in a child JVM
 * of its own so that it can be stopped, killed and restarted while the tests run.
 *
 * <p>Replication factor 1 everywhere, topics are created on first use, and consumer groups start
 * without the initial rebalance delay. Its port and log directory survive {@link #restart()}.
 */
public final class LocalKafka extends LocalServer implements Kafka {

  static final String MAIN_CLASS = "dev.tessera.servers.runtime.KafkaServerMain";

  /** Heap and GC of the child JVM: bounded, and cheap on a 2-core machine. */
  static final List<String> JVM_OPTIONS =
      List.of(
          "-Xms64m",
          "-Xmx512m",
          "-XX:+UseSerialGC",
          "-XX:+ExitOnOutOfMemoryError",
          // hsperfdata files go to /tmp whatever java.io.tmpdir says.
          "-XX:-UsePerfData",
          "-Djava.awt.headless=true");

  private static final Duration START_TIMEOUT = Duration.ofSeconds(90);
  private static final Duration STOP_GRACE = Duration.ofSeconds(30);

  private final int port = FreePorts.next();
  private final int controllerPort = FreePorts.next();
  private final Compilation compilation;
  private ChildJvm jvm;

  /** A broker that keeps its data in {@code directory}; deleted on close unless kept. */
  public LocalKafka(Path directory, boolean keepData) {
    this(directory, keepData, Compilation.QUICK_START);
  }

  /** A broker whose JVM compiles for {@code compilation}. */
  public LocalKafka(Path directory, boolean keepData, Compilation compilation) {
    super("kafka", directory, keepData);
    this.compilation = compilation;
  }

  @Override
  public String bootstrapServers() {
    return "127.0.0.1:" + port;
  }

  /** The broker's client port; the same after a restart. */
  public int port() {
    return port;
  }

  /** The options its JVM runs with (heap, GC, compilation), without per-start paths. */
  public List<String> jvmOptions() {
    return compilation.after(JVM_OPTIONS);
  }

  /** Process id of the broker JVM, while it runs. */
  public long pid() {
    return jvm.pid();
  }

  @Override
  protected void doStart() throws Exception {
    Path tmp = Directories.create(directory().resolve("tmp"));
    Path properties = directory().resolve("server.properties");
    writeProperties(properties);
    List<String> options = new java.util.ArrayList<>(jvmOptions());
    options.add("-Djava.io.tmpdir=" + tmp);
    jvm =
        new ChildJvm(
            "kafka",
            MAIN_CLASS,
            options,
            List.of(properties.toString()),
            directory(),
            directory().resolve("server.log"));
    jvm.start();
    awaitReady();
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
    return 2;
  }

  private void writeProperties(Path file) throws IOException {
    Properties p = new Properties();
    p.putAll(
        Map.ofEntries(
            Map.entry("process.roles", "broker,controller"),
            Map.entry("node.id", "1"),
            Map.entry("controller.quorum.voters", "1@127.0.0.1:" + controllerPort),
            Map.entry(
                "listeners",
                "PLAINTEXT://127.0.0.1:" + port + ",CONTROLLER://127.0.0.1:" + controllerPort),
            Map.entry("advertised.listeners", "PLAINTEXT://127.0.0.1:" + port),
            Map.entry("controller.listener.names", "CONTROLLER"),
            Map.entry("inter.broker.listener.name", "PLAINTEXT"),
            Map.entry("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT"),
            Map.entry("log.dirs", directory().resolve("data").toString()),
            Map.entry("auto.create.topics.enable", "true"),
            Map.entry("num.partitions", "1"),
            Map.entry("default.replication.factor", "1"),
            Map.entry("min.insync.replicas", "1"),
            Map.entry("offsets.topic.replication.factor", "1"),
            // One partition per internal topic: 50 of them cost seconds of start time for nothing.
            Map.entry("offsets.topic.num.partitions", "1"),
            Map.entry("transaction.state.log.replication.factor", "1"),
            Map.entry("transaction.state.log.min.isr", "1"),
            Map.entry("transaction.state.log.num.partitions", "1"),
            Map.entry("share.coordinator.state.topic.replication.factor", "1"),
            Map.entry("share.coordinator.state.topic.min.isr", "1"),
            Map.entry("share.coordinator.state.topic.num.partitions", "1"),
            Map.entry("group.initial.rebalance.delay.ms", "0")));
    try (OutputStream out = Files.newOutputStream(file)) {
      p.store(out, "Written by " + LocalKafka.class.getName() + " at every start");
    }
  }

  private void awaitReady() throws Exception {
    long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
    // The client port opens last in a KRaft start; polling it first keeps the admin client from
    // logging a warning for every refused connection.
    while (!accepts(port)) {
      requireAlive(deadline);
      Pause.briefly();
    }
    Properties config = new Properties();
    config.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers());
    config.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, "5000");
    config.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, "10000");
    // Kafka clients load their plugins (metrics reporters) through the context class loader;
    // under a Quarkus test that is the application's, whose Kafka classes are not ours.
    Thread thread = Thread.currentThread();
    ClassLoader previous = thread.getContextClassLoader();
    thread.setContextClassLoader(LocalKafka.class.getClassLoader());
    try (Admin admin = Admin.create(config)) {
      while (true) {
        requireAlive(deadline);
        try {
          if (!admin.describeCluster().nodes().get(10, TimeUnit.SECONDS).isEmpty()) {
            return;
          }
        } catch (java.util.concurrent.ExecutionException
            | java.util.concurrent.TimeoutException e) {
          // Not registered with its own controller yet.
        }
        Pause.briefly();
      }
    } finally {
      thread.setContextClassLoader(previous);
    }
  }

  private void requireAlive(long deadline) {
    if (!jvm.isAlive()) {
      throw new IllegalStateException(jvm.describeExit());
    }
    if (System.nanoTime() > deadline) {
      throw new IllegalStateException(
          "Kafka did not answer within "
              + START_TIMEOUT
              + "; see "
              + directory().resolve("server.log"));
    }
  }

  static boolean accepts(int port) {
    try (Socket socket = new Socket()) {
      socket.connect(new InetSocketAddress("127.0.0.1", port), 500);
      return true;
    } catch (IOException e) {
      return false;
    }
  }
}
