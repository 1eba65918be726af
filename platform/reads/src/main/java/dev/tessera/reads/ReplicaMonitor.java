package dev.tessera.reads;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.smallrye.mutiny.Uni;
import io.vertx.core.Vertx;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.inject.Instance;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import org.jboss.logging.Logger;

/**
 * Samples the primary's WAL position and the replica's replay position every {@code
 * tessera.reads.check-every}, and from them decides whether the replica is in the read pool.
 *
 * <p>Staleness is measured, not guessed from timestamps: each primary sample {@code (t, lsn)} is
 * kept until the replica has replayed {@code lsn}; the replica then shows at least everything the
 * primary had at {@code t}, so its staleness is {@code now - t} of the newest such sample. An idle
 * primary (no new WAL) therefore never makes the replica look stale, and a lagging one does at
 * once.
 */
@ApplicationScoped
public class ReplicaMonitor {

  private static final Logger LOG = Logger.getLogger(ReplicaMonitor.class);
  private static final int MAX_SAMPLES = 10_000;

  private final ReadsConfig config;
  private final RoutingPoolCreator pools;
  private final Instance<Pool> datasource;
  private final Vertx vertx;
  private final MeterRegistry registry;

  private final Deque<long[]> samples = new ArrayDeque<>();
  private volatile boolean configured;
  private volatile boolean primaryUp = true;
  private volatile boolean replicaUp;
  private volatile Lsn replayed;
  private volatile long caughtUpAtNanos = System.nanoTime();
  private volatile boolean inReadPool;
  private volatile boolean checking;
  private long timer = -1;

  ReplicaMonitor(
      ReadsConfig config,
      RoutingPoolCreator pools,
      Instance<Pool> datasource,
      Vertx vertx,
      MeterRegistry registry) {
    this.config = config;
    this.pools = pools;
    this.datasource = datasource;
    this.vertx = vertx;
    this.registry = registry;
  }

  void onStart(@Observes StartupEvent event) {
    configured = config.replicaUrl().filter(url -> !url.isBlank()).isPresent();
    if (!configured) {
      return;
    }
    // Makes the datasource (and so both pools) now, not at the first request.
    datasource.get();
    Gauge.builder("tessera.reads.replica.staleness", this, m -> m.staleness().toMillis() / 1000.0)
        .description("How far behind the primary the replica's data is (seconds)")
        .baseUnit("seconds")
        .register(registry);
    Gauge.builder("tessera.reads.replica.in.pool", this, m -> m.inReadPool ? 1 : 0)
        .description("1 while API reads may go to the replica")
        .register(registry);
    Gauge.builder("tessera.reads.primary.up", this, m -> m.primaryUp ? 1 : 0)
        .description("1 while the primary answers")
        .register(registry);
    timer = vertx.setPeriodic(config.checkEvery().toMillis(), id -> check());
    check();
  }

  void onStop(@Observes ShutdownEvent event) {
    if (timer >= 0) {
      vertx.cancelTimer(timer);
    }
  }

  /** Whether a replica is configured at all. */
  public boolean configured() {
    return configured;
  }

  /** Whether API reads without a token may go to the replica now. */
  public boolean inReadPool() {
    return inReadPool;
  }

  /** Whether the primary answered its last check. */
  public boolean primaryUp() {
    return primaryUp;
  }

  /** Whether the replica answered its last check. */
  public boolean replicaUp() {
    return replicaUp;
  }

  /**
   * Whether the replica has replayed {@code lsn} (as of its last check: replay only moves forward,
   * so a yes stays true).
   */
  public boolean replayed(Lsn lsn) {
    Lsn known = replayed;
    return known != null && known.atLeast(lsn);
  }

  /** How far behind the primary the replica's data may be, as of the last checks. */
  public Duration staleness() {
    return Duration.ofNanos(System.nanoTime() - caughtUpAtNanos);
  }

  private void check() {
    if (checking) {
      return;
    }
    checking = true;
    long sampledAt = System.nanoTime();
    Duration timeout = config.checkTimeout();
    position(pools.primary(), "select pg_current_wal_lsn()::text", timeout)
        .onItemOrFailure()
        .transformToUni(
            (primaryLsn, primaryFailure) -> {
              setPrimaryUp(primaryFailure == null, primaryFailure);
              if (primaryLsn != null) {
                synchronized (samples) {
                  samples.addLast(new long[] {sampledAt, primaryLsn.value()});
                  if (samples.size() > MAX_SAMPLES) {
                    samples.removeFirst();
                  }
                }
              }
              return position(
                  pools.replica(),
                  "select (case when pg_is_in_recovery() then pg_last_wal_replay_lsn()"
                      + " else pg_current_wal_lsn() end)::text",
                  timeout);
            })
        .subscribe()
        .with(
            replayLsn -> {
              checking = false;
              replicaChecked(replayLsn, null);
            },
            failure -> {
              checking = false;
              replicaChecked(null, failure);
            });
  }

  private void replicaChecked(Lsn replayLsn, Throwable failure) {
    boolean up = failure == null && replayLsn != null;
    if (up != replicaUp) {
      if (up) {
        LOG.infof("the replica answers again (replayed up to %s)", replayLsn);
      } else {
        LOG.warnf("the replica does not answer: %s", failure == null ? "no position" : failure);
      }
    }
    replicaUp = up;
    if (up) {
      replayed = replayLsn;
      synchronized (samples) {
        while (!samples.isEmpty()
            && Long.compareUnsigned(samples.peekFirst()[1], replayLsn.value()) <= 0) {
          caughtUpAtNanos = samples.removeFirst()[0];
        }
      }
    }
    boolean fresh = staleness().compareTo(config.maxStaleness()) <= 0;
    boolean pool = up && (fresh || !primaryUp);
    if (pool != inReadPool) {
      if (pool) {
        LOG.infof("the replica is back in the read pool (staleness %d ms)", staleness().toMillis());
      } else {
        LOG.warnf(
            "the replica left the read pool (%s): API reads go to the primary",
            up
                ? "staleness "
                    + staleness().toMillis()
                    + " ms > "
                    + config.maxStaleness().toMillis()
                    + " ms"
                : "unreachable");
      }
    }
    inReadPool = pool;
  }

  private void setPrimaryUp(boolean up, Throwable failure) {
    if (up != primaryUp) {
      if (up) {
        LOG.info("the primary answers again: writes and fresh reads go to it");
      } else {
        LOG.warnf(
            "the primary does not answer (%s): reads go to the replica, writes fail", failure);
      }
    }
    primaryUp = up;
  }

  private static Uni<Lsn> position(Pool pool, String sql, Duration timeout) {
    if (pool == null) {
      return Uni.createFrom().failure(new IllegalStateException("no pool"));
    }
    return Uni.createFrom()
        .completionStage(() -> pool.query(sql).execute().toCompletionStage())
        .ifNoItem()
        .after(timeout)
        .fail()
        .map(
            rows -> {
              Row row = rows.iterator().next();
              String text = row.getString(0);
              return text == null ? null : Lsn.parse(text).orElse(null);
            });
  }
}
