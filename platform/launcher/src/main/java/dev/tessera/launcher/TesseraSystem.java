package dev.tessera.launcher;

import dev.tessera.cdc.OutboxConnector;
import dev.tessera.servers.Compilation;
import dev.tessera.servers.Credentials;
import dev.tessera.servers.LocalPostgres;
import dev.tessera.servers.LocalServers;
import dev.tessera.servers.Postgres;
import dev.tessera.sharding.Shards;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.function.Consumer;
import java.util.stream.Collectors;

/**
 * The whole system running on this machine: the servers of {@code platform/servers}, one database
 * and role per service, one outbox connector per service, every service instance and the gateway,
 * each in its own process. {@link #close()} stops it all, servers last.
 */
public final class TesseraSystem implements AutoCloseable {

  /**
   * How long an application has to become healthy. Generous: five JVMs starting at once on a loaded
   * 2-core machine took 140 s here; a process that exits is reported at once anyway.
   */
  private static final Duration START_TIMEOUT = Duration.ofSeconds(300);

  private static final Duration STOP_GRACE = Duration.ofSeconds(25);

  private final LaunchOptions options;
  private final Consumer<String> progress;
  private final Secrets secrets;
  private final Services services;
  private final Map<String, List<AppProcess>> instances = new LinkedHashMap<>();
  private final Map<String, AppProcess> spares = new java.util.concurrent.ConcurrentHashMap<>();
  private final TraceStore traces = new TraceStore();
  private final Map<String, List<ShardDatabase>> shardDatabases = new LinkedHashMap<>();
  private LocalServers servers;
  private MailPage mailPage;

  /**
   * One of a sharded service's databases beyond its first, on a PostgreSQL server of its own.
   *
   * @param name its name in the shard map and its connector's ({@code orders2})
   * @param server the server; the database on it is named after the service, as the first one
   */
  public record ShardDatabase(String name, LocalPostgres server) {}

  private TesseraSystem(LaunchOptions options, Consumer<String> progress) {
    this.options = options;
    this.progress = progress;
    this.secrets = Secrets.in(options.dataDirectory());
    this.services = Services.discover(options.repository());
    services.requireKnown(options.replicas().keySet());
    services.requireKnown(options.spares());
  }

  /**
   * Starts everything and returns once the gateway is ready; on failure, stops what it started and
   * throws with the failing component's log.
   */
  public static TesseraSystem start(LaunchOptions options, Consumer<String> progress) {
    TesseraSystem system = new TesseraSystem(options, progress);
    try {
      system.startAll();
      return system;
    } catch (RuntimeException e) {
      system.close();
      throw e;
    }
  }

  private void startAll() {
    checkBuilt();
    checkPortsFree();
    long start = System.nanoTime();
    progress.accept("starting PostgreSQL, Kafka, Kafka Connect + Debezium, Redis, SMTP…");
    servers =
        LocalServers.builder()
            .root(options.dataDirectory().resolve("servers"))
            .keepData(true)
            // A streaming standby serves the services' API reads and takes over on a failover.
            .standby(true)
            .compilation(Compilation.SUSTAINED_LOAD)
            .start();
    progress.accept("servers up in " + seconds(servers.totalStartTime().toNanos()));
    mailPage = MailPage.start(servers.smtp(), options.mailPort(), traces);
    // Before any consumer subscribes or connector publishes: either would create a missing topic
    // with the broker's single partition, and a second instance of a consumer would sit idle.
    List<String> grown =
        EventTopics.ensure(
            servers.kafka().bootstrapServers(), services.eventTopics(), EventTopics.PARTITIONS);
    if (!grown.isEmpty()) {
      progress.accept(
          "grew "
              + grown
              + " (kept from an earlier run) to "
              + EventTopics.PARTITIONS
              + " partitions");
    }

    List<CompletableFuture<Void>> ready = new ArrayList<>();
    for (Services.Service service : services.domain()) {
      Credentials owner = new Credentials(service.name(), secrets.databasePassword(service.name()));
      servers.postgres().createDatabase(service.name(), owner.username(), owner.password());
      shardDatabases.put(service.name(), startShardDatabases(service.name(), owner));
      List<AppProcess> started = new ArrayList<>();
      for (int i = 0; i < options.replicasOf(service.name()); i++) {
        AppProcess process = app(service, i, owner, false);
        process.start();
        started.add(process);
      }
      instances.put(service.name(), started);
      if (options.spares().contains(service.name())) {
        spares.put(service.name(), app(service, started.size(), owner, true));
      }
      ready.add(CompletableFuture.runAsync(() -> awaitService(service, started, owner)));
    }
    join(ready);

    AppProcess gateway = app(Services.GATEWAY, 0, null, false);
    gateway.start();
    instances.put(Services.GATEWAY.name(), List.of(gateway));
    gateway.awaitHealthy("/q/health/ready", START_TIMEOUT);
    progress.accept("gateway ready — whole system up in " + seconds(System.nanoTime() - start));
  }

  /** Waits for the service, registers its outbox connector once its migration ran, then ready. */
  private void awaitService(Services.Service service, List<AppProcess> started, Credentials owner) {
    AppProcess first = started.get(0);
    first.awaitHealthy("/q/health/live", START_TIMEOUT);
    // Only services that publish events get a connector, as in the Helm chart: notifications has
    // the outbox table of every service but publishes nothing, and an idle connector still costs
    // Connect ~9% of a core (docs/benchmarks.md).
    if (services.publishers().contains(service.name())) {
      OutboxConnector connector = new OutboxConnector(service.name());
      servers
          .connect()
          .createOrUpdateConnector(
              connector.name(),
              connector.config(
                  new OutboxConnector.Database(
                      servers.postgres().hostForConnect(),
                      servers.postgres().portForConnect(),
                      service.name(),
                      owner.username(),
                      owner.password())));
      // Each further database of a sharded service: its own connector, the same topics.
      for (ShardDatabase shard : shardDatabases.getOrDefault(service.name(), List.of())) {
        OutboxConnector other = new OutboxConnector(service.name(), shard.name());
        servers
            .connect()
            .createOrUpdateConnector(
                other.name(),
                other.config(
                    new OutboxConnector.Database(
                        shard.server().hostForConnect(),
                        shard.server().portForConnect(),
                        service.name(),
                        owner.username(),
                        owner.password())));
        servers.connect().awaitConnectorRunning(other.name(), Duration.ofSeconds(60));
      }
      servers.connect().awaitConnectorRunning(connector.name(), Duration.ofSeconds(60));
    } else {
      forgetConnector(new OutboxConnector(service.name()));
    }
    for (AppProcess process : started) {
      process.awaitHealthy("/q/health/ready", START_TIMEOUT);
      progress.accept(process.id() + " ready on " + process.url() + " (pid " + process.pid() + ")");
    }
  }

  /**
   * Starts the further databases of {@code service} ({@link LaunchOptions#shardsOf}), each on a
   * PostgreSQL server of its own, and says which shards each database owns before the service's
   * first migration runs on it (orders' V4 reads {@code tessera.owned_shards}): on a new system the
   * 4,096 shards are split evenly in ranges, the first database taking the first range; a database
   * added to a system whose first database was already migrated (and so owns every shard) owns
   * none, until {@code ./tessera shards move} moves a range to it.
   */
  private List<ShardDatabase> startShardDatabases(String service, Credentials owner) {
    int count = options.shardsOf(service);
    if (count == 1) {
      return List.of();
    }
    boolean newSystem = !migrated(servers.postgres(), service);
    List<ShardDatabase> started = new ArrayList<>();
    for (int i = 2; i <= count; i++) {
      String name = service + i;
      LocalPostgres server =
          new LocalPostgres(
              options.dataDirectory().resolve("servers").resolve("postgres-" + name), true);
      server.start();
      started.add(new ShardDatabase(name, server));
      server.createDatabase(service, owner.username(), owner.password());
      if (!migrated(server, service)) {
        ownShards(server, service, newSystem ? evenRange(i - 1, count) : "");
      }
      progress.accept(
          "database " + name + " of " + service + " on PostgreSQL port " + server.port());
    }
    if (newSystem) {
      ownShards(servers.postgres(), service, evenRange(0, count));
    }
    // A move (./tessera shards move) subscribes the target to the source as the service's role.
    allowSubscriptions(servers.postgres(), owner.username());
    started.forEach(shard -> allowSubscriptions(shard.server(), owner.username()));
    return List.copyOf(started);
  }

  /** The {@code index}th of {@code count} equal ranges of the 4,096 shards, as text. */
  static String evenRange(int index, int count) {
    int size = Shards.COUNT / count;
    int from = index * size;
    int to = index == count - 1 ? Shards.COUNT - 1 : from + size - 1;
    return from + "-" + to;
  }

  private static boolean migrated(Postgres server, String database) {
    try (Connection c = server.connectAsSuperuser(database);
        var r = c.createStatement().executeQuery("select to_regclass('flyway_schema_history')")) {
      return r.next() && r.getString(1) != null;
    } catch (SQLException e) {
      throw new IllegalStateException("cannot read the schema of " + database, e);
    }
  }

  private static void ownShards(Postgres server, String database, String ranges) {
    try (Connection c = server.connectAsSuperuser("postgres");
        var s = c.createStatement()) {
      // Ranges are digits, '-' and ','; the database name is a checked identifier.
      if (!ranges.matches("[0-9,-]*")) {
        throw new IllegalArgumentException("not shard ranges: " + ranges);
      }
      s.execute("alter database \"" + database + "\" set tessera.owned_shards = '" + ranges + "'");
    } catch (SQLException e) {
      throw new IllegalStateException("cannot say which shards " + database + " owns", e);
    }
  }

  private static void allowSubscriptions(Postgres server, String role) {
    try (Connection c = server.connectAsSuperuser("postgres");
        var s = c.createStatement()) {
      // The role name is a checked identifier (Postgres.createDatabase).
      s.execute("grant pg_create_subscription to \"" + role + "\"");
    } catch (SQLException e) {
      throw new IllegalStateException("cannot let " + role + " subscribe", e);
    }
  }

  /** The further databases of {@code service}, beyond its first (none unless sharded). */
  public List<ShardDatabase> shardDatabases(String service) {
    return shardDatabases.getOrDefault(service, List.of());
  }

  /**
   * Fails PostgreSQL over to its standby, as an operator would after losing the primary's node:
   * SIGKILL to the primary (if it still runs), {@code pg_promote} on the standby; checks that every
   * publishing service's outbox slot is on the promoted server (the standby kept a synchronized
   * copy of each failover slot); points every outbox connector at the new primary, where Debezium
   * resumes from its committed offset; and restarts every instance of every domain service with
   * datasources on the new primary (a Quarkus datasource's URL is fixed at start). The gateway is
   * untouched. Afterwards the system runs without a standby: reads go to the primary.
   *
   * <p>Refuses to restart anything when a slot is missing: a service would create a fresh one at
   * the current WAL position, and the events committed since the connector last read would be lost
   * without a trace.
   *
   * @return how long the failover took, from the kill until every service was ready again
   */
  public synchronized Duration failover() {
    long start = System.nanoTime();
    progress.accept("failing over: killing the PostgreSQL primary, promoting the standby…");
    servers.failover();
    progress.accept(
        "standby promoted in "
            + seconds(System.nanoTime() - start)
            + "; now the primary on port "
            + servers.postgres().port());
    List<String> missing =
        services.publishers().stream()
            .map(service -> new OutboxConnector(service).slotName())
            .filter(slot -> !slotUsable(slot))
            .toList();
    if (!missing.isEmpty()) {
      throw new IllegalStateException(
          "the promoted standby has no usable copy of the outbox slots "
              + missing
              + ": their events since the last synchronization would be lost; services and"
              + " connectors left as they were (docs/failure-model.md says how to recover)");
    }
    for (String service : services.publishers()) {
      OutboxConnector connector = new OutboxConnector(service);
      Credentials owner = databaseOwner(service);
      servers
          .connect()
          .createOrUpdateConnector(
              connector.name(),
              connector.config(
                  new OutboxConnector.Database(
                      servers.postgres().hostForConnect(),
                      servers.postgres().portForConnect(),
                      service,
                      owner.username(),
                      owner.password())));
    }
    progress.accept("outbox connectors pointed at the new primary; restarting the services…");
    List<CompletableFuture<Void>> restarts = new ArrayList<>();
    for (Services.Service service : services.domain()) {
      Credentials owner = databaseOwner(service.name());
      List<AppProcess> old = instances.get(service.name());
      List<AppProcess> fresh = new ArrayList<>();
      for (int i = 0; i < old.size(); i++) {
        fresh.add(app(service, i, owner, false));
      }
      instances.put(service.name(), fresh);
      restarts.add(
          CompletableFuture.runAsync(
              () -> {
                for (int i = 0; i < fresh.size(); i++) {
                  old.get(i).stop(STOP_GRACE);
                  fresh.get(i).start();
                }
                for (AppProcess process : fresh) {
                  process.awaitHealthy("/q/health/ready", START_TIMEOUT);
                }
              }));
    }
    join(restarts);
    for (String service : services.publishers()) {
      String connector = new OutboxConnector(service).name();
      servers.connect().awaitConnectorRunning(connector, Duration.ofSeconds(60));
    }
    Duration took = Duration.ofNanos(System.nanoTime() - start);
    progress.accept("failed over in " + seconds(took.toNanos()));
    return took;
  }

  /** Whether the primary has logical slot {@code slot}, not invalidated. */
  private boolean slotUsable(String slot) {
    try (Connection c = servers.postgres().connectAsSuperuser("postgres");
        PreparedStatement p =
            c.prepareStatement(
                "select 1 from pg_replication_slots where slot_name = ? and slot_type = 'logical'"
                    + " and not temporary and invalidation_reason is null")) {
      p.setString(1, slot);
      try (var r = p.executeQuery()) {
        return r.next();
      }
    } catch (SQLException e) {
      throw new IllegalStateException("cannot read the promoted server's slots", e);
    }
  }

  /**
   * Removes a connector that data kept from an earlier run may still hold, and its replication
   * slot, which would otherwise keep every WAL segment from then on.
   */
  private void forgetConnector(OutboxConnector connector) {
    servers.connect().deleteConnector(connector.name());
    try (Connection c = servers.postgres().connectAsSuperuser("postgres");
        PreparedStatement drop =
            c.prepareStatement(
                "select pg_drop_replication_slot(slot_name) from pg_replication_slots"
                    + " where slot_name = ? and not active")) {
      drop.setString(1, connector.slotName());
      drop.execute();
    } catch (SQLException e) {
      throw new IllegalStateException("could not drop slot " + connector.slotName(), e);
    }
  }

  private AppProcess app(Services.Service service, int instance, Credentials owner, boolean spare) {
    String id = service.name() + "-" + (instance + 1);
    int port =
        service == Services.GATEWAY ? options.gatewayPort() : options.portOf(service, instance);
    Map<String, String> properties = new LinkedHashMap<>();
    Map<String, String> environment = new LinkedHashMap<>();
    properties.put("quarkus.http.port", Integer.toString(port));
    properties.put("quarkus.http.host", "127.0.0.1");
    // The management interface (/q/metrics) would take port 9000 in every process: let each take
    // a free one (its log names it), on loopback like the API.
    properties.put("quarkus.management.host", "127.0.0.1");
    properties.put("quarkus.management.port", "0");
    properties.put("kafka.bootstrap.servers", servers.kafka().bootstrapServers());
    properties.put("quarkus.redis.hosts", servers.redis().uri());
    properties.put("quarkus.mailer.host", servers.smtp().host());
    properties.put("quarkus.mailer.port", Integer.toString(servers.smtp().port()));
    properties.put("quarkus.mailer.mock", "false");
    // Spans name the instance (orders-2), not only the service, in the launcher's waterfall.
    properties.put("quarkus.otel.resource.attributes", "service.instance.id=" + id);
    if (System.getenv("OTEL_EXPORTER_OTLP_ENDPOINT") == null) {
      // No collector of the user's: the launcher's own OTLP/HTTP receiver keeps the traces for
      // ./tessera trace and the local page. Exported every 500 ms (default 5 s) so that a trace is
      // complete right after the request that made it.
      properties.put("quarkus.otel.exporter.otlp.traces.endpoint", mailPage.otlpEndpoint());
      properties.put("quarkus.otel.exporter.otlp.traces.protocol", "http/protobuf");
      properties.put("quarkus.otel.bsp.schedule.delay", "500ms");
    }
    properties.put(
        "mp.jwt.verify.publickey.location", identityUrl() + "/api/identity/.well-known/jwks.json");
    properties.put(
        "tessera.gateway.jwks-url", identityUrl() + "/api/identity/.well-known/jwks.json");
    if (owner != null) {
      // Tells the instances apart among the members of a consumer group: SmallRye's own client ids
      // name only the channel, and so are the same in every instance of a service.
      properties.put("mp.messaging.connector.smallrye-kafka.client-id-prefix", id + "-");
      // The instance keeps this id when it is restarted: its consumers are static members of their
      // groups and take their partitions back without a rebalance (docs/upgrades.md).
      properties.put("tessera.eventing.consumers.instance-id", id);
      properties.put(
          "quarkus.datasource.reactive.url", servers.postgres().reactiveUrl(owner.username()));
      properties.put("quarkus.datasource.jdbc.url", servers.postgres().jdbcUrl(owner.username()));
      servers
          .standby()
          .ifPresent(
              standby ->
                  properties.put(
                      "tessera.reads.replica-url", standby.reactiveUrl(owner.username())));
      // The migration's first connection took longer than the default 5 s on a loaded 2-core
      // machine, and the service exited during its start.
      properties.put("quarkus.datasource.jdbc.acquisition-timeout", "60s");
      // An instance of an older release (a rollout's, VersionSkewIT's) starts on the newer schema:
      // Quarkus fails its start on migrations it does not know unless told, and releases before
      // their application.properties said so need telling here.
      properties.put("quarkus.flyway.ignore-future-migrations", "true");
      properties.put("quarkus.datasource.username", owner.username());
      environment.put("QUARKUS_DATASOURCE_PASSWORD", owner.password());
      String others =
          shardDatabases.getOrDefault(service.name(), List.of()).stream()
              .map(shard -> shard.name() + "=" + shard.server().reactiveUrl(service.name()))
              .collect(Collectors.joining(","));
      if (!others.isEmpty()) {
        properties.put("tessera.sharding.databases", others);
      }
    }
    if (service.name().equals("identity")) {
      properties.put("tessera.identity.admin.email", secrets.adminEmail());
      environment.put("TESSERA_IDENTITY_ADMIN_PASSWORD", secrets.adminPassword());
      environment.put("TESSERA_IDENTITY_SIGNING_KEY", secrets.identitySigningKey());
    }
    if (service == Services.GATEWAY) {
      properties.putAll(services.gatewayRoutes());
      for (Services.Service upstream : services.domain()) {
        properties.put(
            "tessera.gateway.upstreams." + upstream.name(),
            java.util.stream.Stream.concat(
                    instances.get(upstream.name()).stream(),
                    java.util.Optional.ofNullable(spares.get(upstream.name())).stream())
                .map(AppProcess::url)
                .collect(Collectors.joining(",")));
      }
    }
    return new AppProcess(
        id,
        service.runner(options.checkoutOf(service.name(), spare)),
        port,
        properties,
        environment,
        options.dataDirectory().resolve("logs").resolve(id + ".log"));
  }

  private String identityUrl() {
    // identity issues the tokens: every service and the gateway verify them with its keys.
    Services.Service identity =
        services
            .byName("identity")
            .orElseThrow(() -> new IllegalStateException("no services/identity/service.yaml"));
    return "http://127.0.0.1:" + options.portOf(identity, 0);
  }

  private void checkBuilt() {
    List<String> missing =
        services.all().stream()
            .filter(
                s ->
                    !Files.isRegularFile(s.runner(options.repository()))
                        || !Files.isRegularFile(s.runner(options.checkoutOf(s.name(), false))))
            .map(Services.Service::module)
            .toList();
    if (!missing.isEmpty()) {
      throw new IllegalStateException(
          "not built: " + missing + " — run ./mvnw -B package -DskipTests (./tessera does it)");
    }
  }

  private void checkPortsFree() {
    List<Integer> ports = new ArrayList<>();
    ports.add(options.gatewayPort());
    ports.add(options.mailPort());
    for (Services.Service service : services.domain()) {
      int slots =
          options.replicasOf(service.name()) + (options.spares().contains(service.name()) ? 1 : 0);
      for (int i = 0; i < slots; i++) {
        ports.add(options.portOf(service, i));
      }
    }
    for (int port : ports) {
      try (ServerSocket socket = new ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
        socket.setReuseAddress(true);
      } catch (IOException e) {
        throw new IllegalStateException(
            "port "
                + port
                + " is taken by another program; stop it, or choose other ports"
                + " (--gateway-port, --service-port-base, --mail-port)");
      }
    }
  }

  /** The gateway's URL: the only address clients use. */
  public String gatewayUrl() {
    return "http://localhost:" + options.gatewayPort();
  }

  /** The page that shows the mail the SMTP server received. */
  public String mailUrl() {
    return mailPage.url();
  }

  /** The traces the applications exported to the launcher (none when they export elsewhere). */
  public TraceStore traces() {
    return traces;
  }

  /** The servers, for tests that stop and start them. */
  public LocalServers servers() {
    return servers;
  }

  /** The running instances of {@code service} (or {@code gateway}). */
  public List<AppProcess> instances(String service) {
    return Collections.unmodifiableList(instances.getOrDefault(service, List.of()));
  }

  /**
   * The spare instance of {@code service} ({@link LaunchOptions#spares()}): not started by the
   * launcher, known to the gateway; empty when the service has none.
   */
  public java.util.Optional<AppProcess> spare(String service) {
    return java.util.Optional.ofNullable(spares.get(service));
  }

  /** Every application instance, gateway last. */
  public List<AppProcess> allInstances() {
    return instances.values().stream().flatMap(List::stream).toList();
  }

  /** The role that owns {@code service}'s database, with its generated password. */
  public Credentials databaseOwner(String service) {
    return new Credentials(service, secrets.databasePassword(service));
  }

  /** The local admin account identity creates at start. */
  public Credentials admin() {
    return new Credentials(secrets.adminEmail(), secrets.adminPassword());
  }

  /** The applications this system runs, as the checkout's service descriptors list them. */
  public Services services() {
    return services;
  }

  public LaunchOptions options() {
    return options;
  }

  /** Stops the gateway, then the services (in parallel), then the servers. */
  @Override
  public void close() {
    List<AppProcess> gateway = instances.getOrDefault(Services.GATEWAY.name(), List.of());
    gateway.forEach(p -> p.stop(STOP_GRACE));
    join(
        java.util.stream.Stream.concat(allInstances().stream(), spares.values().stream())
            .filter(p -> !gateway.contains(p))
            .map(p -> CompletableFuture.runAsync(() -> p.stop(STOP_GRACE)))
            .toList());
    if (mailPage != null) {
      mailPage.close();
    }
    shardDatabases.values().stream().flatMap(List::stream).forEach(shard -> shard.server().close());
    if (servers != null) {
      servers.close();
    }
  }

  private static void join(List<CompletableFuture<Void>> futures) {
    try {
      CompletableFuture.allOf(futures.toArray(CompletableFuture[]::new)).join();
    } catch (CompletionException e) {
      throw e.getCause() instanceof RuntimeException r
          ? r
          : new IllegalStateException(e.getCause());
    }
  }

  static String seconds(long nanos) {
    return String.format(java.util.Locale.ROOT, "%.1f s", nanos / 1e9);
  }

  static void ensureDirectory(Path directory) {
    try {
      Files.createDirectories(directory);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
