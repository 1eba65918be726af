package dev.tessera.cache;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.tessera.servers.LocalRedis;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.smallrye.mutiny.Uni;
import io.vertx.core.Vertx;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.RedisOptions;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The two-tier cache on a real Redis, with two "instances" of a service sharing it. */
class TieredCacheTest {

  private static Path dir;
  private static LocalRedis server;

  private final List<Instance> instances = new ArrayList<>();
  private String service;

  /** One instance of a service: its own Vert.x, Redis client, subscription and metrics. */
  private static final class Instance implements AutoCloseable {
    final Vertx vertx = Vertx.vertx();
    final Redis redis =
        Redis.createClient(
            vertx, new RedisOptions().setConnectionString(server.uri()).setMaxPoolWaiting(1024));
    final InvalidationBus bus;
    final SimpleMeterRegistry meters = new SimpleMeterRegistry();
    final TieredCache<String> cache;

    Instance(String service, CacheSettings settings, boolean enabled) {
      bus = new InvalidationBus(redis, vertx, service, Duration.ofMillis(100));
      cache =
          new TieredCache<>(
              "greeting",
              settings,
              enabled,
              redis,
              vertx,
              bus,
              new TieredCache.Codec<>() {
                @Override
                public String encode(String value) {
                  return value;
                }

                @Override
                public String decode(String text) {
                  return text;
                }
              },
              meters);
      bus.start();
    }

    String get(String key, Supplier<Uni<String>> loader) {
      return cache.get(key, loader).await().atMost(Duration.ofSeconds(10));
    }

    double count(String result) {
      return meters.counter("tessera.cache.gets", "cache", "greeting", "result", result).count();
    }

    @Override
    public void close() {
      bus.close();
      redis.close();
      vertx.close().toCompletionStage().toCompletableFuture().join();
    }
  }

  @BeforeAll
  static void startRedis() throws Exception {
    Path tmp = Files.createDirectories(Path.of(System.getProperty("java.io.tmpdir")));
    dir = Files.createTempDirectory(tmp, "cache-test-");
    server = new LocalRedis(dir.resolve("redis"), false);
    server.start();
  }

  @AfterAll
  static void stopRedis() {
    server.close();
    // The directory stays under target/tmp, which the build owns.
  }

  @BeforeEach
  void newService() {
    service = "svc-" + UUID.randomUUID();
  }

  @AfterEach
  void closeInstances() {
    if (!server.isRunning()) {
      server.start();
    }
    instances.forEach(Instance::close);
  }

  private Instance instance(CacheSettings settings) {
    return instance(settings, true);
  }

  private Instance instance(CacheSettings settings, boolean enabled) {
    Instance instance = new Instance(service, settings, enabled);
    instances.add(instance);
    await().atMost(Duration.ofSeconds(10)).until(instance.bus::subscribed);
    return instance;
  }

  /** A loader that counts its calls and answers {@code value} after {@code delay}. */
  private static Supplier<Uni<String>> slowLoader(
      AtomicInteger calls, Supplier<String> value, Duration delay) {
    return () -> {
      Uni<String> read =
          Uni.createFrom()
              .item(
                  () -> {
                    calls.incrementAndGet();
                    return value.get();
                  });
      return delay.isZero() ? read : read.onItem().delayIt().by(delay);
    };
  }

  @Test
  void two_hundred_concurrent_reads_of_a_cold_key_across_two_instances_load_it_once() {
    Instance a = instance(CacheSettings.defaults());
    Instance b = instance(CacheSettings.defaults());
    AtomicInteger loads = new AtomicInteger();
    Supplier<Uni<String>> loader = slowLoader(loads, () -> "hello", Duration.ofMillis(200));
    String key = UUID.randomUUID().toString();

    List<CompletableFuture<String>> reads = new ArrayList<>();
    for (int i = 0; i < 200; i++) {
      Instance on = i % 2 == 0 ? a : b;
      reads.add(on.cache.get(key, loader).subscribeAsCompletionStage());
    }
    CompletableFuture.allOf(reads.toArray(CompletableFuture[]::new)).join();

    assertThat(reads).allSatisfy(r -> assertThat(r.join()).isEqualTo("hello"));
    assertThat(loads).hasValue(1);
    // One instance took the lease and loaded; the other waited for its value in Redis.
    assertThat(a.count("miss") + b.count("miss")).isEqualTo(1);
    assertThat(a.count("l2-hit") + b.count("l2-hit")).isEqualTo(1);
  }

  @Test
  void a_value_read_again_comes_from_the_process_and_then_from_redis_on_another_instance() {
    Instance a = instance(CacheSettings.defaults());
    Instance b = instance(CacheSettings.defaults());
    AtomicInteger loads = new AtomicInteger();
    String key = UUID.randomUUID().toString();

    a.get(key, slowLoader(loads, () -> "v1", Duration.ZERO));
    a.get(key, slowLoader(loads, () -> "v1", Duration.ZERO));
    // The L2 write is not awaited by the first reader: another instance finds it soon after.
    await()
        .atMost(Duration.ofSeconds(5))
        .until(() -> b.get(key, slowLoader(loads, () -> "v1", Duration.ZERO)).equals("v1"));

    assertThat(a.count("l1-hit")).isEqualTo(1);
    assertThat(loads.get()).isLessThanOrEqualTo(2);
    assertThat(b.count("l2-hit")).isGreaterThanOrEqualTo(1);
  }

  @Test
  void an_invalidation_on_one_instance_reaches_every_instance() {
    Instance a = instance(CacheSettings.defaults());
    Instance b = instance(CacheSettings.defaults());
    AtomicReference<String> database = new AtomicReference<>("PENDING");
    AtomicInteger loads = new AtomicInteger();
    Supplier<Uni<String>> loader = slowLoader(loads, database::get, Duration.ZERO);
    String key = UUID.randomUUID().toString();
    assertThat(a.get(key, loader)).isEqualTo("PENDING");
    await().atMost(Duration.ofSeconds(5)).until(() -> b.get(key, loader).equals("PENDING"));

    database.set("CONFIRMED");
    long changed = System.nanoTime();
    a.cache.invalidate(key).await().atMost(Duration.ofSeconds(5));

    assertThat(a.get(key, loader)).isEqualTo("CONFIRMED");
    await()
        .pollInterval(Duration.ofMillis(1))
        .atMost(Duration.ofSeconds(5))
        .until(() -> b.get(key, loader).equals("CONFIRMED"));
    System.out.printf(
        "invalidation seen on the other instance after %.1f ms%n",
        (System.nanoTime() - changed) / 1e6);
  }

  @Test
  void a_load_under_way_when_its_key_is_invalidated_is_kept_nowhere() {
    Instance a = instance(CacheSettings.defaults());
    Instance b = instance(CacheSettings.defaults());
    String key = UUID.randomUUID().toString();
    CompletableFuture<String> slowRead = new CompletableFuture<>();
    CompletableFuture<String> first =
        a.cache
            .get(key, () -> Uni.createFrom().completionStage(slowRead))
            .subscribeAsCompletionStage();
    await().atMost(Duration.ofSeconds(5)).until(() -> a.count("miss") == 1);

    // The change commits and is invalidated while the old value is still on its way.
    b.cache.invalidate(key).await().atMost(Duration.ofSeconds(5));
    slowRead.complete("old");
    assertThat(first.join()).isEqualTo("old");

    AtomicInteger loads = new AtomicInteger();
    assertThat(a.get(key, slowLoader(loads, () -> "new", Duration.ZERO))).isEqualTo("new");
    assertThat(b.get(key, slowLoader(loads, () -> "new", Duration.ZERO))).isEqualTo("new");
  }

  @Test
  void not_found_is_remembered_until_invalidated() {
    Instance a = instance(CacheSettings.defaults());
    AtomicInteger loads = new AtomicInteger();
    AtomicReference<String> database = new AtomicReference<>();
    Supplier<Uni<String>> loader = slowLoader(loads, database::get, Duration.ZERO);
    String key = UUID.randomUUID().toString();

    assertThat(a.get(key, loader)).isNull();
    assertThat(a.get(key, loader)).isNull();
    assertThat(loads).hasValue(1);

    database.set("created");
    a.cache.invalidate(key).await().atMost(Duration.ofSeconds(5));
    assertThat(a.get(key, loader)).isEqualTo("created");
  }

  @Test
  void with_redis_gone_reads_still_answer_and_missed_invalidations_are_sent_when_it_is_back() {
    CacheSettings settings = CacheSettings.defaults();
    Instance a = instance(settings);
    Instance b = instance(settings);
    AtomicReference<String> database = new AtomicReference<>("v1");
    AtomicInteger loads = new AtomicInteger();
    Supplier<Uni<String>> loader = slowLoader(loads, database::get, Duration.ZERO);
    String key = UUID.randomUUID().toString();
    a.get(key, loader);
    await().atMost(Duration.ofSeconds(5)).until(() -> b.get(key, loader).equals("v1"));

    server.stop();
    await().atMost(Duration.ofSeconds(10)).until(() -> !a.bus.subscribed() && !b.bus.subscribed());
    database.set("v2");
    a.cache.invalidate(key).await().atMost(Duration.ofSeconds(5));

    // No error, and no copy older than degraded-l1-ttl on either instance.
    assertThat(a.get(key, loader)).isEqualTo("v2");
    await().atMost(Duration.ofSeconds(5)).until(() -> b.get(key, loader).equals("v2"));

    server.start();
    await().atMost(Duration.ofSeconds(10)).until(() -> a.bus.subscribed() && b.bus.subscribed());
    // Redis kept v1 (it lost nothing): the invalidation a could not send reaches it now.
    Instance c = instance(settings);
    await().atMost(Duration.ofSeconds(10)).until(() -> c.get(key, loader).equals("v2"));
  }

  @Test
  void a_disabled_cache_reads_the_database_every_time() {
    Instance a = instance(CacheSettings.defaults(), false);
    AtomicInteger loads = new AtomicInteger();
    String key = UUID.randomUUID().toString();
    a.get(key, slowLoader(loads, () -> "x", Duration.ZERO));
    a.get(key, slowLoader(loads, () -> "x", Duration.ZERO));
    assertThat(loads).hasValue(2);
    assertThat(a.count("bypass")).isEqualTo(2);
  }
}
