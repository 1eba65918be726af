package dev.tessera.launcher;

import dev.tessera.deadletters.DeadLetterTool;
import dev.tessera.scaffold.NewService;
import dev.tessera.scaffold.ServiceGenerator;
import dev.tessera.servers.Credentials;
import java.io.IOException;
import java.io.PrintStream;
import java.io.RandomAccessFile;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.stream.Stream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ConsumerGroupListing;
import org.apache.kafka.clients.admin.ListOffsetsResult;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;

/** The {@code ./tessera} command: {@code up}, {@code status}, {@code down}, {@code logs}, … */
public final class Tessera {

  private static final String USAGE =
      """
      usage: ./tessera <command>

        up [--replicas SERVICE=N]... [--shards SERVICE=N] [--gateway-port P]
           [--service-port-base P] [--mail-port P] [--detach]
                    start the whole system (foreground; Ctrl-C or ./tessera down stops it;
                    --detach: in the background, returning once it is ready; --shards orders=2:
                    orders' data on 2 databases, each on a PostgreSQL server of its own)
        status      every component: process id, health; resident memory; consumer lag per group;
                    each instance's read caches: reads and hit ratio
        down        stop everything cleanly
        logs NAME [-f]   the log of a component (e.g. orders-1, gateway-1, kafka, connect)
        demo        seed demo users and orders through the gateway (on a running system)
        mail        the mail the local SMTP server received
        trace [ID]  the waterfall of one trace — ID is a trace id, an order id or a request id
                    (X-Request-Id) — or, without ID, the latest traces (see docs/tracing.md)
        dlq         every dead-letter topic: each record not replayed yet, with its reason,
                    origin (topic-partition@offset), event type and id
        dlq replay DLQ-TOPIC...   re-deliver those records to their original topics, where
                    every consumer applies each event once (see docs/failure-model.md)
        shards      the logical shards of orders each database owns, by range and state, with
                    the orders and users each range holds (see docs/sharding.md)
        shards move FIRST-LAST DATABASE   move those shards of orders to DATABASE (e.g.
                    shards move 0-511 orders2), online, while the system runs
        reset       delete all local data (databases, topics, logs, generated credentials)
        new-service NAME [--consumes SERVICE.AGGREGATE.events,...] [--publishes AGGREGATE]
                    write a new domain service: its module under services/NAME, its event in
                    contracts/, its chart values (see docs/adding-a-service.md)
      """;

  private final Path repository;
  private final Path dataDirectory;
  private final PrintStream out;

  private Tessera(Path repository, PrintStream out) {
    this.repository = repository;
    this.dataDirectory =
        Optional.ofNullable(System.getenv("TESSERA_HOME"))
            .map(Path::of)
            .orElse(repository.resolve(".tessera"));
    this.out = out;
  }

  /** Entry point; {@code -Dtessera.repository} is the checkout (the script sets it). */
  public static void main(String[] args) {
    Path repository = Path.of(System.getProperty("tessera.repository", ".")).toAbsolutePath();
    Tessera tessera = new Tessera(repository.normalize(), System.out);
    try {
      System.exit(tessera.run(args));
    } catch (IllegalStateException | IllegalArgumentException e) {
      System.err.println("tessera: " + e.getMessage());
      System.exit(1);
    }
  }

  int run(String[] args) {
    if (args.length == 0) {
      out.print(USAGE);
      return 2;
    }
    return switch (args[0]) {
      case "up" -> up(List.of(args).subList(1, args.length));
      case "status" -> status();
      case "down" -> down();
      case "logs" -> logs(List.of(args).subList(1, args.length));
      case "mail" -> mail();
      case "trace" -> trace(List.of(args).subList(1, args.length));
      case "demo" -> demo();
      case "reset" -> reset();
      case "dlq" -> dlq(List.of(args).subList(1, args.length));
      case "shards" -> shards(List.of(args).subList(1, args.length));
      case "new-service" -> newService(List.of(args).subList(1, args.length));
      default -> {
        out.print(USAGE);
        yield 2;
      }
    };
  }

  /**
   * Writes a new domain service from the template (platform/scaffold); refuses, writing nothing.
   */
  private int newService(List<String> args) {
    ServiceGenerator.Generated service =
        ServiceGenerator.generate(repository, NewService.parse(args));
    String name = service.name();
    out.println("wrote the service " + name + " (portIndex " + service.portIndex() + "):");
    service.created().forEach(file -> out.println("  + " + file));
    service.changed().forEach(file -> out.println("  ~ " + file));
    out.println(
        """
        next:
          ./mvnw -B verify -pl contracts,services/%1$s -am
                 build it and run its tests, on real PostgreSQL, Kafka and Connect
          ./mvnw -B verify -pl deploy-tests -am -Dtessera.k8s.write=true
                 render the chart with it, regenerate k8s/ and run the chart's checks
          ./tessera up
                 run it with the rest, behind the gateway under /api/%1$s/
          docs/adding-a-service.md says what to change by hand, and why
        """
            .formatted(name));
    return 0;
  }

  private int up(List<String> args) {
    Optional<RunState> running = RunState.read(dataDirectory);
    if (running.isPresent() && running.get().launcherAlive()) {
      throw new IllegalStateException(
          "already running (pid " + running.get().get("launcher.pid") + "): ./tessera status");
    }
    LaunchOptions options = parse(args);
    TesseraSystem.ensureDirectory(dataDirectory);
    ownerOnly(dataDirectory);
    TesseraSystem system = TesseraSystem.start(options, line -> out.println("  " + line));
    RunState state = RunState.write(system);
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  out.println("stopping…");
                  system.close();
                  state.delete();
                  out.println("stopped");
                  stopped.countDown();
                }));
    printWelcome(system);
    try {
      stopped.await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    return 0;
  }

  /** Databases, logs and generated credentials are the owner's alone. */
  static void ownerOnly(Path directory) {
    try {
      Files.setPosixFilePermissions(directory, PosixFilePermissions.fromString("rwx------"));
    } catch (IOException e) {
      throw new IllegalStateException("cannot restrict " + directory + ": " + e.getMessage(), e);
    }
  }

  private LaunchOptions parse(List<String> args) {
    LaunchOptions options = LaunchOptions.defaults(repository).withDataDirectory(dataDirectory);
    for (int i = 0; i < args.size(); i++) {
      String arg = args.get(i);
      String value = i + 1 < args.size() ? args.get(i + 1) : null;
      switch (arg) {
        case "--replicas" -> {
          String[] pair = required(arg, value).split("=", 2);
          if (pair.length != 2) {
            throw new IllegalArgumentException("--replicas takes SERVICE=N, e.g. orders=2");
          }
          options = options.withReplicas(pair[0], Integer.parseInt(pair[1]));
          i++;
        }
        case "--shards" -> {
          String[] pair = required(arg, value).split("=", 2);
          if (pair.length != 2 || !pair[0].equals("orders")) {
            // Only orders has the shard leases and the write fence (docs/sharding.md).
            throw new IllegalArgumentException("--shards takes orders=N, e.g. orders=2");
          }
          options = options.withShards(pair[0], Integer.parseInt(pair[1]));
          i++;
        }
        case "--gateway-port" -> {
          options = options.withPorts(Integer.parseInt(required(arg, value)), 0, 0);
          i++;
        }
        case "--service-port-base" -> {
          options = options.withPorts(0, Integer.parseInt(required(arg, value)), 0);
          i++;
        }
        case "--mail-port" -> {
          options = options.withPorts(0, 0, Integer.parseInt(required(arg, value)));
          i++;
        }
        default -> throw new IllegalArgumentException("unknown option " + arg + "\n" + USAGE);
      }
    }
    return options;
  }

  private static String required(String option, String value) {
    if (value == null) {
      throw new IllegalArgumentException(option + " needs a value");
    }
    return value;
  }

  private void printWelcome(TesseraSystem system) {
    // The password goes to a terminal only: `up --detach` sends this output to launcher.log, and
    // then the script prints the password itself, once, from secrets.properties.
    out.println(
        welcome(
            system.gatewayUrl(),
            system.mailUrl(),
            system.admin(),
            dataDirectory,
            System.console() != null));
  }

  /**
   * What {@code up} prints once the system is ready; the admin password only when {@code
   * showPassword} (the output is a terminal), else where to find it.
   */
  static String welcome(
      String gw, String mailUrl, Credentials admin, Path dataDirectory, boolean showPassword) {
    Path secrets = dataDirectory.resolve("secrets.properties");
    String adminLine =
        showPassword
            ? admin.username()
                + " / "
                + admin.password()
                + "   (generated; kept in "
                + secrets
                + ")"
            : admin.username() + "   (password: admin.password in " + secrets + ")";
    return """

    Tessera is up.

      gateway     %s
      API docs    %s/q/swagger-ui
      mail        %s   (or ./tessera mail)
      traces      %s/traces   (or ./tessera trace ID)
      admin       %s
      data, logs  %s

    Try it:

      %s

    ./tessera status · ./tessera logs orders-1 · ./tessera down (or Ctrl-C)
    """
        .formatted(
            gw,
            gw,
            mailUrl,
            mailUrl,
            adminLine,
            dataDirectory,
            Tour.forGateway(gw).strip().replace("\n", "\n  "));
  }

  private int status() {
    Optional<RunState> found = RunState.read(dataDirectory).filter(RunState::launcherAlive);
    if (found.isEmpty()) {
      out.println("not running");
      return 3;
    }
    RunState state = found.get();
    out.printf("%-16s %-8s %-8s %s%n", "COMPONENT", "PID", "HEALTH", "URL");
    out.printf(
        "%-16s %-8s %-8s %s%n", "launcher", state.get("launcher.pid"), "up", state.get("mail.url"));
    for (String server : List.of("kafka", "connect")) {
      long pid = state.pid("server." + server + ".pid");
      out.printf(
          "%-16s %-8d %-8s %s%n",
          server,
          pid,
          alive(pid) ? "up" : "DOWN",
          Optional.ofNullable(state.get("server." + server + ".url"))
              .orElse(state.get("kafka.bootstrap")));
    }
    for (String server : List.of("postgres", "redis", "smtp")) {
      String url = state.get("server." + server + ".url");
      out.printf(
          "%-16s %-8s %-8s %s%n",
          server,
          Optional.ofNullable(state.get("server." + server + ".pid")).orElse("-"),
          listening(url) ? "up" : "DOWN",
          url);
    }
    String standbyUrl = state.get("server.postgres-standby.url");
    if (standbyUrl != null) {
      out.printf(
          "%-16s %-8s %-8s %s  %s%n",
          "postgres-standby",
          Optional.ofNullable(state.get("server.postgres-standby.pid")).orElse("-"),
          listening(standbyUrl) ? "up" : "DOWN",
          standbyUrl,
          ReplayLag.describe(state.get("server.postgres.url"), standbyUrl));
    }
    for (String app : state.apps()) {
      long pid = state.pid("app." + app + ".pid");
      String url = state.get("app." + app + ".url");
      String health = !alive(pid) ? "DOWN" : ready(url) ? "ready" : "NOT READY";
      out.printf("%-16s %-8d %-8s %s%n", app, pid, health, url);
    }
    List<Long> roots = new ArrayList<>(List.of(state.pid("launcher.pid")));
    Optional.ofNullable(state.get("server.postgres.pid"))
        .map(Long::parseLong)
        .ifPresent(roots::add);
    Optional.ofNullable(state.get("server.postgres-standby.pid"))
        .map(Long::parseLong)
        .ifPresent(roots::add);
    ResidentMemory.ofTrees(roots).ifPresent(memory -> out.println("\nmemory: " + memory));
    out.println();
    printLag(state.get("kafka.bootstrap"));
    printCaches(state);
    return 0;
  }

  private static final java.util.regex.Pattern MANAGEMENT =
      java.util.regex.Pattern.compile("Management interface listening on (http://[0-9.:]+)");
  // A sample, maybe followed by an exemplar (" # {trace_id=…} 1.0", OpenMetrics while tracing):
  // the labels end at the first "}", and the value is the number right after it.
  static final java.util.regex.Pattern CACHE_GET =
      java.util.regex.Pattern.compile(
          "^tessera_cache_gets_total\\{(?=[^}]*cache=\"([^\"]+)\")(?=[^}]*result=\"([^\"]+)\")"
              + "[^}]*\\} ([0-9.eE+-]+)( # .*)?$");

  /**
   * Per instance and cache (platform/cache): reads since start and the share not read from the
   * database.
   */
  private void printCaches(RunState state) {
    List<String> lines = new ArrayList<>();
    for (String app : state.apps()) {
      String log = state.get("app." + app + ".log");
      try {
        java.util.regex.Matcher m = MANAGEMENT.matcher(Files.readString(Path.of(log)));
        if (!m.find()) {
          continue;
        }
        String metrics =
            HttpClient.newHttpClient()
                .send(
                    HttpRequest.newBuilder(URI.create(m.group(1) + "/q/metrics"))
                        .timeout(Duration.ofSeconds(2))
                        .build(),
                    HttpResponse.BodyHandlers.ofString())
                .body();
        Map<String, double[]> byCache = new java.util.TreeMap<>(); // cache → {hits, all}
        for (String line : metrics.split("\n")) {
          java.util.regex.Matcher g = CACHE_GET.matcher(line);
          if (g.matches()) {
            double n = Double.parseDouble(g.group(3));
            double[] c = byCache.computeIfAbsent(g.group(1), k -> new double[2]);
            c[1] += n;
            if (g.group(2).endsWith("hit") || g.group(2).equals("coalesced")) {
              c[0] += n;
            }
          }
        }
        byCache.forEach(
            (cache, c) ->
                lines.add(
                    String.format(
                        "%-16s %-16s %10.0f %s",
                        app,
                        cache,
                        c[1],
                        c[1] == 0 ? "-" : String.format("%.1f%%", 100 * c[0] / c[1]))));
      } catch (IOException | RuntimeException e) {
        // An instance without metrics yet (starting) is left out.
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
    if (!lines.isEmpty()) {
      out.printf("%n%-16s %-16s %10s %s%n", "INSTANCE", "CACHE", "READS", "HIT RATIO");
      lines.forEach(out::println);
    }
  }

  private int dlq(List<String> args) {
    RunState state =
        RunState.read(dataDirectory)
            .filter(RunState::launcherAlive)
            .orElseThrow(() -> new IllegalStateException("not running: ./tessera up first"));
    return DeadLetterTool.run(
        args,
        Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, state.get("kafka.bootstrap")),
        out);
  }

  private int shards(List<String> args) {
    RunState state =
        RunState.read(dataDirectory)
            .filter(RunState::launcherAlive)
            .orElseThrow(() -> new IllegalStateException("not running: ./tessera up first"));
    List<ShardsTool.ShardDatabase> databases = ShardsTool.databases(state);
    if (args.isEmpty()) {
      return ShardsTool.run(databases, out);
    }
    if (args.size() != 3 || !args.get(0).equals("move")) {
      out.print(USAGE);
      return 2;
    }
    return ShardsTool.move(databases, Secrets.in(dataDirectory), args.get(1), args.get(2), out);
  }

  /** Whether something accepts connections at the host and port of {@code url}. */
  private static boolean listening(String url) {
    URI uri = URI.create(url);
    try (Socket socket = new Socket()) {
      socket.connect(new InetSocketAddress(uri.getHost(), uri.getPort()), 1000);
      return true;
    } catch (IOException | IllegalArgumentException e) {
      return false;
    }
  }

  private void printLag(String bootstrap) {
    try (Admin admin =
        Admin.create(
            Map.of(
                AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG,
                bootstrap,
                AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG,
                5000,
                AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG,
                5000))) {
      out.printf("%-24s %s%n", "CONSUMER GROUP", "LAG");
      List<String> groups =
          admin.listConsumerGroups().all().get().stream()
              .map(ConsumerGroupListing::groupId)
              .filter(g -> !g.startsWith("tessera-connect"))
              .sorted()
              .toList();
      for (String group : groups) {
        Map<TopicPartition, OffsetAndMetadata> committed =
            admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata().get();
        Map<TopicPartition, OffsetSpec> latest = new java.util.HashMap<>();
        committed.keySet().forEach(tp -> latest.put(tp, OffsetSpec.latest()));
        Map<TopicPartition, ListOffsetsResult.ListOffsetsResultInfo> ends =
            admin.listOffsets(latest).all().get();
        long lag =
            committed.entrySet().stream()
                .filter(e -> e.getValue() != null)
                .mapToLong(e -> ends.get(e.getKey()).offset() - e.getValue().offset())
                .sum();
        out.printf("%-24s %d%n", group, lag);
      }
    } catch (Exception e) {
      out.println("consumer lag unavailable: " + e.getMessage());
    }
  }

  private static boolean alive(long pid) {
    return ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false);
  }

  private static boolean ready(String url) {
    try {
      HttpResponse<Void> response =
          HttpClient.newHttpClient()
              .send(
                  HttpRequest.newBuilder(URI.create(url + "/q/health/ready"))
                      .timeout(Duration.ofSeconds(2))
                      .build(),
                  HttpResponse.BodyHandlers.discarding());
      return response.statusCode() == 200;
    } catch (IOException e) {
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  private int down() {
    Optional<RunState> found = RunState.read(dataDirectory);
    if (found.isEmpty()) {
      out.println("not running");
      return 0;
    }
    RunState state = found.get();
    Optional<ProcessHandle> launcher = ProcessHandle.of(state.pid("launcher.pid"));
    if (launcher.isPresent() && launcher.get().isAlive()) {
      out.println("stopping (pid " + launcher.get().pid() + ")…");
      launcher.get().destroy();
      try {
        launcher.get().onExit().get(120, java.util.concurrent.TimeUnit.SECONDS);
      } catch (Exception e) {
        out.println("the launcher did not stop in time; killing what is left");
      }
    }
    // A launcher killed with -9 leaves its children: end whatever the state file still names.
    List<Long> leftovers = new ArrayList<>();
    for (String app : state.apps()) {
      leftovers.add(state.pid("app." + app + ".pid"));
    }
    leftovers.add(state.pid("server.connect.pid"));
    leftovers.add(state.pid("server.kafka.pid"));
    leftovers.forEach(pid -> ProcessHandle.of(pid).ifPresent(ProcessHandle::destroy));
    state.delete();
    out.println("stopped");
    return 0;
  }

  private int logs(List<String> args) {
    if (args.isEmpty()) {
      throw new IllegalArgumentException("logs NAME [-f]: name one of " + logNames());
    }
    Path log = logFile(dataDirectory, args.get(0));
    if (!Files.exists(log)) {
      throw new IllegalArgumentException("no log for " + args.get(0) + "; there are " + logNames());
    }
    boolean follow = args.contains("-f");
    try (RandomAccessFile file = new RandomAccessFile(log.toFile(), "r")) {
      long start = Math.max(0, file.length() - 64 * 1024);
      file.seek(start);
      byte[] buffer = new byte[8192];
      do {
        int read;
        while ((read = file.read(buffer)) > 0) {
          out.write(buffer, 0, read);
        }
        out.flush();
        if (follow) {
          AppProcess.pause(Duration.ofMillis(300));
        }
      } while (follow);
    } catch (IOException e) {
      throw new IllegalStateException("cannot read " + log + ": " + e.getMessage());
    }
    return 0;
  }

  /**
   * The log {@code ./tessera logs NAME} shows: a server's ({@code kafka}, {@code connect}, {@code
   * postgres}, {@code redis}) or an application instance's ({@code orders-1}; {@code orders} is its
   * first instance), under the data directory of a run.
   */
  public static Path logFile(Path dataDirectory, String name) {
    return switch (name) {
      case "kafka" -> dataDirectory.resolve("servers/kafka/server.log");
      case "connect" -> dataDirectory.resolve("servers/kafka-connect/server.log");
      case "postgres" -> dataDirectory.resolve("servers/postgres/postgres.log");
      case "redis" -> dataDirectory.resolve("servers/redis/redis.log");
      default ->
          dataDirectory
              .resolve("logs")
              .resolve(name.contains("-") ? name + ".log" : name + "-1.log");
    };
  }

  private String logNames() {
    List<String> names = new ArrayList<>(List.of("kafka", "connect", "postgres", "redis"));
    try (Stream<Path> files = Files.list(dataDirectory.resolve("logs"))) {
      files.map(f -> f.getFileName().toString().replace(".log", "")).sorted().forEach(names::add);
    } catch (IOException e) {
      // No logs yet: only the servers' names are known.
    }
    return String.join(", ", names);
  }

  private int mail() {
    Optional<RunState> found = RunState.read(dataDirectory).filter(RunState::launcherAlive);
    if (found.isEmpty()) {
      out.println("not running");
      return 3;
    }
    try {
      HttpResponse<String> response =
          HttpClient.newHttpClient()
              .send(
                  HttpRequest.newBuilder(URI.create(found.get().get("mail.url") + "/messages"))
                      .build(),
                  HttpResponse.BodyHandlers.ofString());
      out.println(response.body());
      return 0;
    } catch (IOException e) {
      throw new IllegalStateException("mail page unreachable: " + e.getMessage());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return 1;
    }
  }

  private int trace(List<String> args) {
    if (args.size() > 1) {
      throw new IllegalArgumentException("trace [ID]: one trace id, order id or request id");
    }
    RunState state =
        RunState.read(dataDirectory)
            .filter(RunState::launcherAlive)
            .orElseThrow(() -> new IllegalStateException("not running: ./tessera up first"));
    if (System.getenv("OTEL_EXPORTER_OTLP_ENDPOINT") != null) {
      out.println(
          "note: OTEL_EXPORTER_OTLP_ENDPOINT is set here; if it was when ./tessera up ran, the"
              + " applications export there and the launcher has no traces");
    }
    String id = args.isEmpty() ? "" : URLEncoder.encode(args.get(0), StandardCharsets.UTF_8);
    // The page holds the answer until the trace has settled (up to 15 s): right after a request,
    // its applications have not all exported their spans yet (they do every 500 ms).
    HttpRequest request =
        HttpRequest.newBuilder(
                URI.create(state.get("mail.url") + "/traces/" + id + "?format=text&wait=15"))
            .timeout(Duration.ofSeconds(25))
            .build();
    try {
      HttpResponse<String> response =
          HttpClient.newHttpClient().send(request, HttpResponse.BodyHandlers.ofString());
      out.print(response.body());
      return response.statusCode() == 200 ? 0 : 4;
    } catch (IOException e) {
      throw new IllegalStateException("the launcher's page is unreachable: " + e.getMessage());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return 1;
    }
  }

  private int demo() {
    Optional<RunState> found = RunState.read(dataDirectory).filter(RunState::launcherAlive);
    if (found.isEmpty()) {
      throw new IllegalStateException("not running: ./tessera up first");
    }
    out.println("seeding demo data through " + found.get().get("gateway.url") + "…");
    new Demo(found.get().get("gateway.url"), out).run();
    return 0;
  }

  private int reset() {
    if (RunState.read(dataDirectory).filter(RunState::launcherAlive).isPresent()) {
      throw new IllegalStateException("running: ./tessera down first");
    }
    if (!Files.exists(dataDirectory)) {
      out.println("nothing to reset");
      return 0;
    }
    try (Stream<Path> paths = Files.walk(dataDirectory)) {
      for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(path);
      }
    } catch (IOException e) {
      throw new IllegalStateException("could not delete " + dataDirectory + ": " + e.getMessage());
    }
    out.println("deleted " + dataDirectory);
    return 0;
  }
}
