package dev.tessera.cache;

import com.github.benmanes.caffeine.cache.AsyncCache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Expiry;
import com.github.benmanes.caffeine.cache.RemovalCause;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.smallrye.mutiny.Uni;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;
import org.jboss.logging.Logger;

/**
 * A cache-aside read cache in two tiers: L1 in this process (Caffeine), L2 shared by every instance
 * (Redis), in front of a loader that reads the database.
 *
 * <ul>
 *   <li><b>Coalescing</b>: one load per key per instance at a time; concurrent readers of a key
 *       share it.
 *   <li><b>Lease</b>: on an L2 miss, the instance that takes the key's lease in Redis loads; the
 *       others wait for its value (at most the lease), so a cold key under a burst costs one
 *       database read across instances.
 *   <li><b>Invalidation</b>: {@link #invalidate} drops the key from this process, deletes it and
 *       its lease from Redis and announces it on the service's channel ({@link InvalidationBus}),
 *       on which every instance drops it too. A load under way while its key is invalidated neither
 *       stays in L1 nor reaches L2 (its lease is gone), so a change is never overwritten by a value
 *       read before it.
 *   <li><b>Negative entries</b>: "not found" ({@code null} from the loader) is cached too, for
 *       {@link CacheSettings#negativeTtl()}.
 *   <li><b>Jitter</b>: every lifetime is shortened by a random fraction.
 *   <li><b>Redis away</b>: reads go to L1 and the loader, without an error; L1 entries then live
 *       {@link CacheSettings#degradedL1Ttl()} at most (invalidations are not heard), and
 *       invalidations that could not reach Redis are sent once it is back.
 * </ul>
 *
 * <p>Keys are strings chosen by the caller (an id); values are encoded for Redis by a {@link
 * Codec}. Metrics ({@code tessera.cache.*}, tag {@code cache}): gets by result, loads (a timer, by
 * outcome), evictions by cause, invalidations by origin, Redis failures, L1 size.
 *
 * @param <V> what is cached
 */
public final class TieredCache<V> {

  /** Turns a value into the text stored in Redis, and back. */
  public interface Codec<V> {
    /** The value as text. */
    String encode(V value) throws Exception;

    /** The value from its text. */
    V decode(String text) throws Exception;
  }

  private static final Logger LOG = Logger.getLogger(TieredCache.class);

  // KEYS: value, lease. ARGV: token, lease ms. → {1, value} | {2} (lease taken: load) | {0} (wait)
  private static final String ACQUIRE =
      "local v = redis.call('GET', KEYS[1]) if v then return {1, v} end "
          + "if redis.call('SET', KEYS[2], ARGV[1], 'NX', 'PX', ARGV[2]) then return {2} end "
          + "return {0}";
  // KEYS: value, lease. ARGV: token, value, ttl ms. Stores only while the lease is still ours: an
  // invalidation deletes the lease, so a value read before a change is never stored after it.
  private static final String STORE =
      "if redis.call('GET', KEYS[2]) == ARGV[1] then "
          + "redis.call('SET', KEYS[1], ARGV[2], 'PX', ARGV[3]) redis.call('DEL', KEYS[2]) "
          + "return 1 end return 0";
  // KEYS: value, lease. ARGV: channel, message.
  private static final String EVICT =
      "redis.call('DEL', KEYS[1], KEYS[2]) return redis.call('PUBLISH', ARGV[1], ARGV[2])";
  private static final String PRESENT = "+";
  private static final String ABSENT = "-";
  private static final int MAX_PENDING = 10_000;

  /** What L1 holds for a key: the value ({@code null}: not found) and its lifetime. */
  private record Entry<V>(V value, long ttlNanos) {}

  private final String name;
  private final String prefix;
  private final CacheSettings settings;
  private final boolean enabled;
  private final Redis redis;
  private final Vertx vertx;
  private final InvalidationBus bus;
  private final Codec<V> codec;
  private final AsyncCache<String, Entry<V>> l1;
  private final Set<String> pending = ConcurrentHashMap.newKeySet();
  private final AtomicBoolean replaying = new AtomicBoolean();
  private volatile long redisSkippedUntil;

  private final Counter l1Hits;
  private final Counter coalesced;
  private final Counter l2Hits;
  private final Counter misses;
  private final Counter bypassed;
  private final Counter leaseWaits;
  private final Counter localInvalidations;
  private final Counter heardInvalidations;
  private final Counter redisFailures;
  private final Map<String, Timer> loads = new ConcurrentHashMap<>();
  private final MeterRegistry meters;

  /**
   * A cache named {@code name} (unique within the service: it prefixes keys and invalidations).
   *
   * @param enabled {@code false}: every read goes to the loader (to measure what the cache saves)
   */
  public TieredCache(
      String name,
      CacheSettings settings,
      boolean enabled,
      Redis redis,
      Vertx vertx,
      InvalidationBus bus,
      Codec<V> codec,
      MeterRegistry meters) {
    this.name = name;
    this.prefix = "cache:" + bus.channel().substring("tessera:cache:".length()) + ":" + name + ":";
    this.settings = settings;
    this.enabled = enabled;
    this.redis = redis;
    this.vertx = vertx;
    this.bus = bus;
    this.codec = codec;
    this.meters = meters;
    this.l1 =
        Caffeine.newBuilder()
            .maximumSize(settings.l1MaxSize())
            .expireAfter(
                new Expiry<String, Entry<V>>() {
                  @Override
                  public long expireAfterCreate(String key, Entry<V> entry, long now) {
                    return entry.ttlNanos();
                  }

                  @Override
                  public long expireAfterUpdate(
                      String key, Entry<V> entry, long now, long currentDuration) {
                    return entry.ttlNanos();
                  }

                  @Override
                  public long expireAfterRead(
                      String key, Entry<V> entry, long now, long currentDuration) {
                    return currentDuration;
                  }
                })
            .evictionListener(
                (String key, Entry<V> entry, RemovalCause cause) ->
                    meters
                        .counter(
                            "tessera.cache.evictions",
                            "cache",
                            name,
                            "cause",
                            cause.name().toLowerCase(java.util.Locale.ROOT))
                        .increment())
            .buildAsync();
    this.l1Hits = gets("l1-hit");
    this.coalesced = gets("coalesced");
    this.l2Hits = gets("l2-hit");
    this.misses = gets("miss");
    this.bypassed = gets("bypass");
    this.leaseWaits = meters.counter("tessera.cache.lease.waits", "cache", name);
    this.localInvalidations =
        meters.counter("tessera.cache.invalidations", "cache", name, "origin", "local");
    this.heardInvalidations =
        meters.counter("tessera.cache.invalidations", "cache", name, "origin", "broadcast");
    this.redisFailures = meters.counter("tessera.cache.redis.failures", "cache", name);
    meters.gauge(
        "tessera.cache.size",
        java.util.List.of(io.micrometer.core.instrument.Tag.of("cache", name)),
        l1,
        c -> c.synchronous().estimatedSize());
    bus.register(this);
  }

  /** The cache's name. */
  public String name() {
    return name;
  }

  /** Its settings. */
  public CacheSettings settings() {
    return settings;
  }

  /** Whether it caches at all. */
  public boolean enabled() {
    return enabled;
  }

  /**
   * The value of {@code key}: from L1, else L2, else {@code loader} (whose {@code null} means "not
   * found", and is cached as such). The loader runs on the caller's Vert.x context, and the answer
   * arrives there.
   */
  public Uni<V> get(String key, Supplier<Uni<V>> loader) {
    if (!enabled) {
      bypassed.increment();
      return timed(Uni.createFrom().<V>deferred(loader::get));
    }
    CompletableFuture<Entry<V>> present = l1.getIfPresent(key);
    if (present != null && present.isDone() && !present.isCompletedExceptionally()) {
      l1Hits.increment();
      return Uni.createFrom().item(present.join().value());
    }
    Context caller = Vertx.currentContext();
    Executor home = on(caller);
    boolean[] loading = {false};
    CompletableFuture<Entry<V>> future =
        l1.get(
            key,
            (k, executor) -> {
              loading[0] = true;
              return fromRedis(k, loader, home).subscribeAsCompletionStage();
            });
    if (!loading[0]) {
      coalesced.increment();
    }
    return Uni.createFrom().completionStage(future).map(Entry::value).emitOn(home);
  }

  /**
   * Drops {@code key} here, in Redis and on every instance. Never fails: an invalidation that
   * cannot reach Redis is kept and sent once Redis answers again (meanwhile, other instances keep
   * their copies {@link CacheSettings#degradedL1Ttl()} at most, since they cannot hear this one
   * either).
   */
  public Uni<Void> invalidate(String key) {
    if (!enabled) {
      return Uni.createFrom().voidItem();
    }
    l1.synchronous().invalidate(key);
    localInvalidations.increment();
    return evictEverywhere(key)
        .onFailure()
        .recoverWithItem(
            failure -> {
              remember(key);
              redisFailed(failure);
              return null;
            })
        .replaceWithVoid();
  }

  /** Drops {@code key} from this process: another instance announced a change. */
  void heard(String key) {
    l1.synchronous().invalidate(key);
    heardInvalidations.increment();
  }

  /** Drops everything this process holds (invalidations may have been missed). */
  void forgetLocal() {
    l1.synchronous().invalidateAll();
  }

  /** Sends the invalidations that could not reach Redis before. */
  void replayPending() {
    if (pending.isEmpty() || !replaying.compareAndSet(false, true)) {
      return;
    }
    Set<String> keys = Set.copyOf(pending);
    Uni.join()
        .all(
            keys.stream()
                .map(
                    key ->
                        evictEverywhere(key)
                            .invoke(() -> pending.remove(key))
                            .onFailure()
                            .recoverWithNull()
                            .replaceWithVoid())
                .toList())
        .andCollectFailures()
        .onTermination()
        .invoke(() -> replaying.set(false))
        .subscribe()
        .with(ignored -> LOG.infof("Cache %s: sent %d delayed invalidations", name, keys.size()));
  }

  private void remember(String key) {
    if (pending.size() < MAX_PENDING) {
      pending.add(key);
    } else {
      // Beyond this, Redis' own lifetime (l2-ttl) bounds what a lost invalidation leaves behind.
      LOG.warnf("Cache %s: too many invalidations waiting for Redis; dropped %s", name, key);
    }
  }

  private Uni<Response> evictEverywhere(String key) {
    return send(
        Request.cmd(Command.EVAL)
            .arg(EVICT)
            .arg(2)
            .arg(valueKey(key))
            .arg(leaseKey(key))
            .arg(bus.channel())
            .arg(InvalidationBus.message(name, key)));
  }

  private Uni<Entry<V>> fromRedis(String key, Supplier<Uni<V>> loader, Executor home) {
    if (System.nanoTime() < redisSkippedUntil) {
      return load(key, loader, home, null);
    }
    String token = UUID.randomUUID().toString();
    long deadline = System.nanoTime() + settings.lease().toNanos();
    return acquire(key, token, deadline, 2, loader, home)
        .onFailure(RedisUnavailable.class)
        .recoverWithUni(
            failure -> {
              redisFailed(failure.getCause());
              return load(key, loader, home, null);
            });
  }

  private Uni<Entry<V>> acquire(
      String key,
      String token,
      long deadline,
      long delayMillis,
      Supplier<Uni<V>> loader,
      Executor home) {
    return send(Request.cmd(Command.EVAL)
            .arg(ACQUIRE)
            .arg(2)
            .arg(valueKey(key))
            .arg(leaseKey(key))
            .arg(token)
            .arg(settings.lease().toMillis()))
        .onFailure()
        .transform(RedisUnavailable::new)
        .chain(
            answer -> {
              int kind = answer.get(0).toInteger();
              if (kind == 1) {
                Entry<V> entry = decode(answer.get(1).toString());
                if (entry != null) {
                  l2Hits.increment();
                  return Uni.createFrom().item(entry);
                }
                return load(key, loader, home, null);
              }
              if (kind == 2) {
                return load(key, loader, home, token);
              }
              if (System.nanoTime() >= deadline) {
                // The lease holder is slow or gone: read without waiting any longer.
                return load(key, loader, home, null);
              }
              leaseWaits.increment();
              return Uni.createFrom()
                  .voidItem()
                  .onItem()
                  .delayIt()
                  .by(Duration.ofMillis(delayMillis))
                  .chain(
                      () ->
                          acquire(
                              key, token, deadline, Math.min(delayMillis * 2, 25), loader, home));
            });
  }

  /** Loads from the database; with a lease {@code token}, also stores the value in Redis. */
  private Uni<Entry<V>> load(String key, Supplier<Uni<V>> loader, Executor home, String token) {
    misses.increment();
    return timed(Uni.createFrom().<V>deferred(loader::get).runSubscriptionOn(home))
        .invoke(
            value -> {
              if (token != null) {
                store(key, token, value);
              }
            })
        .map(value -> new Entry<>(value, l1Nanos(value)));
  }

  private void store(String key, String token, V value) {
    String text;
    try {
      text = value == null ? ABSENT : PRESENT + codec.encode(value);
    } catch (Exception e) {
      LOG.warnf(e, "Cache %s: %s cannot be encoded; not stored in Redis", name, key);
      return;
    }
    Duration ttl = value == null ? settings.negativeTtl() : settings.l2Ttl();
    send(Request.cmd(Command.EVAL)
            .arg(STORE)
            .arg(2)
            .arg(valueKey(key))
            .arg(leaseKey(key))
            .arg(token)
            .arg(text)
            .arg(Math.max(1, TimeUnit.NANOSECONDS.toMillis(jittered(ttl.toNanos())))))
        .subscribe()
        .with(stored -> {}, this::redisFailed);
  }

  private Entry<V> decode(String text) {
    if (ABSENT.equals(text)) {
      return new Entry<>(null, l1Nanos(null));
    }
    if (text.startsWith(PRESENT)) {
      try {
        V value = codec.decode(text.substring(1));
        return new Entry<>(value, l1Nanos(value));
      } catch (Exception e) {
        // Written by another version of the service, perhaps: read the database instead.
        LOG.debugf("Cache %s: unreadable entry ignored (%s)", name, e.getMessage());
      }
    }
    return null;
  }

  private Uni<V> timed(Uni<V> load) {
    long started = System.nanoTime();
    return load.onItemOrFailure()
        .invoke(
            (value, failure) ->
                loads
                    .computeIfAbsent(
                        failure != null ? "failed" : value == null ? "absent" : "found",
                        outcome ->
                            Timer.builder("tessera.cache.loads")
                                .description("Reads of the database behind a cache")
                                .tag("cache", name)
                                .tag("outcome", outcome)
                                .register(meters))
                    .record(System.nanoTime() - started, TimeUnit.NANOSECONDS));
  }

  private long l1Nanos(V value) {
    long ttl =
        value == null
            ? Math.min(settings.negativeTtl().toNanos(), settings.l1Ttl().toNanos())
            : settings.l1Ttl().toNanos();
    if (!bus.subscribed()) {
      ttl = Math.min(ttl, settings.degradedL1Ttl().toNanos());
    }
    return jittered(ttl);
  }

  private long jittered(long nanos) {
    double cut = ThreadLocalRandom.current().nextDouble() * settings.jitter();
    return Math.max(1, (long) (nanos * (1 - cut)));
  }

  private Uni<Response> send(Request request) {
    return Uni.createFrom()
        .completionStage(() -> redis.send(request).toCompletionStage())
        .ifNoItem()
        .after(settings.redisTimeout())
        .fail()
        .invoke(
            ok -> {
              if (!pending.isEmpty()) {
                vertx.runOnContext(v -> replayPending());
              }
            });
  }

  private void redisFailed(Throwable failure) {
    redisFailures.increment();
    boolean first = System.nanoTime() >= redisSkippedUntil;
    redisSkippedUntil = System.nanoTime() + settings.redisRetryAfter().toNanos();
    if (first) {
      LOG.warnf(
          "Cache %s: Redis failed (%s); reading through L1 and the database for %s",
          name, failure, settings.redisRetryAfter());
    }
  }

  private String valueKey(String key) {
    // The hash tag keeps a value and its lease in one slot of a Redis Cluster (for the scripts).
    return prefix + "{" + key + "}";
  }

  private String leaseKey(String key) {
    return prefix + "{" + key + "}:lease";
  }

  private Counter gets(String result) {
    return Counter.builder("tessera.cache.gets")
        .description("Reads of a cache, by where the answer came from")
        .tag("cache", name)
        .tag("result", result)
        .register(meters);
  }

  /** Runs tasks on {@code context} (at once when already there); inline without one. */
  private static Executor on(Context context) {
    if (context == null) {
      return Runnable::run;
    }
    return task -> {
      if (Vertx.currentContext() == context) {
        task.run();
      } else {
        context.runOnContext(v -> task.run());
      }
    };
  }

  /** Redis did not answer a read in time, or refused it: the cache goes on without it. */
  private static final class RedisUnavailable extends RuntimeException {
    private static final long serialVersionUID = 1L;

    RedisUnavailable(Throwable cause) {
      super(cause.toString(), cause, false, false);
    }
  }
}
