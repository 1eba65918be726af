package dev.tessera.sharding;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.infrastructure.Infrastructure;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.pgclient.PgException;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;
import java.util.function.Supplier;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.hibernate.reactive.mutiny.Mutiny;
import org.jboss.logging.Logger;

/**
 * Sends each user's database work to the database that owns the user's shard.
 *
 * <p>The owners come from the databases themselves: every few seconds (and at once after a write
 * was refused) the router reads each database's {@code shard_lease} and takes, for every shard, the
 * one database whose lease is {@code OWNED}. A shard with no owner (a move between its fence and
 * its hand-over) or, wrongly, two, keeps the owner it had: the database's write fence refuses what
 * would land in the wrong place, so a stale choice costs a retry, never a misplaced row.
 *
 * <p>A write refused as moved (SQLSTATE {@code TS001}) is tried once more on the shard's new owner
 * when a fresh read of the leases names one; otherwise the refusal stands (a 503 to a client, a
 * retry for a consumer) until the move completes.
 *
 * <p>A service with one database routes nothing: every user is on the home database, and no lease
 * is read.
 */
@ApplicationScoped
public class ShardRouter {

  private static final Logger LOG = Logger.getLogger(ShardRouter.class);

  /** orders V6's fence: the shard's lease here is not {@code OWNED}. */
  static final String MOVED = "TS001";

  /** After the migrations of every database (-2000), before the outbox slots (-1000). */
  static final int AFTER_MIGRATIONS = -1500;

  private static final String LEASES = "select shard, state from shard_lease";

  private final ShardDatabases databases;
  private final ShardingConfig config;
  private final Mutiny.SessionFactory sessions;
  private final MeterRegistry registry;
  private final String homeJdbcUrl;
  private final String username;
  private final String password;
  private final Map<String, Timer> transactions = new LinkedHashMap<>();
  private final Map<String, Counter> refused = new LinkedHashMap<>();
  private volatile String[] owners;
  private ScheduledExecutorService refresher;

  /** Work routed to each logical shard since the last look ({@link #measureHottest}). */
  private final AtomicIntegerArray routedTo = new AtomicIntegerArray(Shards.COUNT);

  private final AtomicLong hottest = new AtomicLong(-1);
  private final AtomicReference<Double> hottestShare = new AtomicReference<>(0.0);

  ShardRouter(
      ShardDatabases databases,
      ShardingConfig config,
      Mutiny.SessionFactory sessions,
      MeterRegistry registry,
      @ConfigProperty(name = "quarkus.datasource.jdbc.url") String homeJdbcUrl,
      @ConfigProperty(name = "quarkus.datasource.username") String username,
      @ConfigProperty(name = "quarkus.datasource.password") String password) {
    this.databases = databases;
    this.config = config;
    this.sessions = sessions;
    this.registry = registry;
    this.homeJdbcUrl = homeJdbcUrl;
    this.username = username;
    this.password = password;
    String[] home = new String[Shards.COUNT];
    Arrays.fill(home, databases.home());
    this.owners = home;
    Gauge.builder("tessera.shard.hottest.share", hottestShare, AtomicReference::get)
        .description(
            "Share of the work routed in the last minute that went to the busiest logical shard")
        .register(registry);
    Gauge.builder("tessera.shard.hottest", hottest, AtomicLong::get)
        .description("The busiest logical shard of the last minute (-1: no work routed)")
        .register(registry);
    for (String database : databases.names()) {
      transactions.put(
          database,
          Timer.builder("tessera.shard.work")
              .description("Work routed to a database by its users' shards")
              .tag("database", database)
              .register(registry));
      refused.put(
          database,
          Counter.builder("tessera.shard.writes.refused")
              .description("Writes a database refused because the user's shard is not owned there")
              .tag("database", database)
              .register(registry));
    }
  }

  void onStart(@Observes @Priority(AFTER_MIGRATIONS) StartupEvent event) {
    refresher =
        Executors.newSingleThreadScheduledExecutor(
            task -> {
              Thread thread = new Thread(task, "tessera-shard-router");
              thread.setDaemon(true);
              return thread;
            });
    // A hot user matters with one database too: it is what no number of databases spreads.
    refresher.scheduleAtFixedRate(this::measureHottest, 1, 1, TimeUnit.MINUTES);
    if (!databases.sharded()) {
      return;
    }
    // Before the first request or record: every database's leases, or the start fails.
    refresh();
    long every = config.refreshEvery().toMillis();
    refresher.scheduleWithFixedDelay(this::refreshQuietly, every, every, TimeUnit.MILLISECONDS);
  }

  void onStop(@Observes ShutdownEvent event) {
    if (refresher != null) {
      refresher.shutdownNow();
    }
  }

  /**
   * The busiest logical shard of the last minute and its share of the work routed: one user (or a
   * few on one shard) doing far more than the rest — a hot shard, which no move can spread, since a
   * shard is never split. 4,096 counters, read and reset once a minute; no label per shard.
   */
  void measureHottest() {
    long total = 0;
    int busiest = -1;
    int most = 0;
    for (int shard = 0; shard < Shards.COUNT; shard++) {
      int count = routedTo.getAndSet(shard, 0);
      total += count;
      if (count > most) {
        most = count;
        busiest = shard;
      }
    }
    hottest.set(busiest);
    hottestShare.set(total == 0 ? 0.0 : (double) most / total);
  }

  /** The database that owns {@code user}'s shard, as last read. */
  public String databaseOf(UUID user) {
    return owners[Shards.ofUser(user)];
  }

  /** Every database, the home one first. */
  public List<String> databases() {
    return databases.names();
  }

  /** Runs {@code work} on the database that owns {@code user}'s shard (see the class comment). */
  public <T> Uni<T> forUser(UUID user, Supplier<Uni<T>> work) {
    return Uni.createFrom()
        .deferred(
            () -> {
              int shard = Shards.ofUser(user);
              routedTo.incrementAndGet(shard);
              String database = owners[shard];
              Context context = Vertx.currentContext();
              return on(database, work)
                  .onFailure(ShardRouter::refusedAsMoved)
                  .recoverWithUni(
                      failure ->
                          Uni.createFrom()
                              .item(
                                  () -> {
                                    refreshQuietly();
                                    return database;
                                  })
                              // JDBC off the event loop, then back on the work's own context.
                              .runSubscriptionOn(Infrastructure.getDefaultWorkerPool())
                              .emitOn(task -> context.runOnContext(ignored -> task.run()))
                              .chain(
                                  () -> {
                                    String owner = databaseOf(user);
                                    return owner.equals(database)
                                        ? Uni.createFrom().<T>failure(failure)
                                        : on(owner, work);
                                  }));
            });
  }

  /** Runs {@code work} in a transaction on the database that owns {@code user}'s shard. */
  public <T> Uni<T> withTransaction(UUID user, Function<Mutiny.Session, Uni<T>> work) {
    return forUser(user, () -> sessions.withTransaction(work));
  }

  /**
   * Runs {@code work} on every database in turn, the home one first, and collects what each gave:
   * for jobs that keep each database's own rows (retention, deadlines, parked events). A database
   * whose work fails does not stop the others; the result then fails with the first failure.
   */
  public <T> Uni<List<T>> onEach(Function<String, Uni<T>> work) {
    List<String> names = databases.names();
    if (names.size() == 1) {
      return work.apply(names.get(0)).map(List::of);
    }
    List<Throwable> failures = new ArrayList<>();
    return Multi.createFrom()
        .iterable(names)
        .onItem()
        .transformToUniAndConcatenate(
            database ->
                DatabaseChoice.on(database, () -> work.apply(database))
                    .onFailure()
                    .recoverWithItem(
                        failure -> {
                          failures.add(failure);
                          return null;
                        }))
        .collect()
        .asList()
        .chain(
            results ->
                failures.isEmpty()
                    ? Uni.createFrom().item(results)
                    : Uni.createFrom().failure(failures.get(0)));
  }

  /** {@link #onEach} for work that counts something in each database: the sum. */
  public Uni<Integer> sumOnEach(Function<String, Uni<Integer>> work) {
    return onEach(work).map(counts -> counts.stream().mapToInt(Integer::intValue).sum());
  }

  private <T> Uni<T> on(String database, Supplier<Uni<T>> work) {
    Timer.Sample sample = Timer.start(registry);
    Uni<T> routed =
        databases.sharded()
            ? DatabaseChoice.on(database, work)
            : Uni.createFrom().deferred(work::get);
    return routed
        .onItemOrFailure()
        .invoke(
            (item, failure) -> {
              sample.stop(transactions.get(database));
              if (failure != null && refusedAsMoved(failure)) {
                refused.get(database).increment();
              }
            });
  }

  /** Whether {@code failure} is the write fence's refusal: the shard is not owned there. */
  public static boolean refusedAsMoved(Throwable failure) {
    for (Throwable t = failure; t != null; t = t.getCause()) {
      // Hibernate Reactive hands the client's PgException on wrapped, or as a SQLException.
      if (t instanceof PgException pg && MOVED.equals(pg.getSqlState())
          || t instanceof SQLException sql && MOVED.equals(sql.getSQLState())) {
        return true;
      }
      if (t.getCause() == t) {
        break;
      }
    }
    return false;
  }

  private void refreshQuietly() {
    try {
      refresh();
    } catch (RuntimeException e) {
      LOG.warnf("shard leases not read, routing stays as it was: %s", e.getMessage());
    }
  }

  /** Reads every database's leases and takes the shards each owns. */
  synchronized void refresh() {
    Map<String, boolean[]> owned = new LinkedHashMap<>();
    owned.put(databases.home(), ownedBy(homeJdbcUrl));
    for (NamedDatabase other : databases.others()) {
      owned.put(other.name(), ownedBy(other.jdbcUrl()));
    }
    String[] next = owners.clone();
    int unowned = 0;
    int twice = 0;
    for (int shard = 0; shard < Shards.COUNT; shard++) {
      String owner = null;
      int count = 0;
      for (Map.Entry<String, boolean[]> database : owned.entrySet()) {
        if (database.getValue()[shard]) {
          owner = database.getKey();
          count++;
        }
      }
      if (count == 1) {
        next[shard] = owner;
      } else if (count == 0) {
        unowned++;
      } else {
        twice++;
      }
    }
    if (twice > 0) {
      LOG.errorf(
          "%d shards are OWNED by more than one database: their routing is unchanged", twice);
    }
    if (!Arrays.equals(next, owners)) {
      LOG.infof(
          "shard routing now %s%s",
          ShardMap.of(ranges(next)), unowned > 0 ? " (" + unowned + " shards moving)" : "");
    }
    owners = next;
  }

  private static List<ShardRange> ranges(String[] owners) {
    List<ShardRange> ranges = new ArrayList<>();
    int from = 0;
    for (int shard = 1; shard <= Shards.COUNT; shard++) {
      if (shard == Shards.COUNT || !owners[shard].equals(owners[from])) {
        ranges.add(new ShardRange(from, shard - 1, owners[from]));
        from = shard;
      }
    }
    return ranges;
  }

  private boolean[] ownedBy(String jdbcUrl) {
    boolean[] owned = new boolean[Shards.COUNT];
    try (Connection c = DriverManager.getConnection(jdbcUrl, username, password);
        Statement s = c.createStatement()) {
      s.setQueryTimeout(5);
      try (ResultSet rows = s.executeQuery(LEASES)) {
        while (rows.next()) {
          owned[rows.getInt(1)] = "OWNED".equals(rows.getString(2));
        }
      }
      return owned;
    } catch (SQLException e) {
      throw new IllegalStateException(
          "cannot read the shard leases at " + redacted(jdbcUrl) + ": " + e.getMessage(), e);
    }
  }

  private static String redacted(String jdbcUrl) {
    int query = jdbcUrl.indexOf('?');
    return query < 0 ? jdbcUrl : jdbcUrl.substring(0, query);
  }
}
