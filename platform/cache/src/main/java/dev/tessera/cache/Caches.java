package dev.tessera.cache;

import com.fasterxml.jackson.databind.JavaType;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.vertx.core.Vertx;
import io.vertx.redis.client.Redis;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * A service's read caches: creates each {@link TieredCache} with its configured settings, all on
 * one subscription to the service's invalidation channel ({@code tessera:cache:<application
 * name>}).
 */
@ApplicationScoped
public class Caches {

  private final Redis redis;
  private final Vertx vertx;
  private final ObjectMapper json;
  private final MeterRegistry meters;
  private final CacheConfig config;
  private final InvalidationBus bus;
  private final Map<String, TieredCache<?>> caches = new ConcurrentHashMap<>();

  Caches(
      Redis redis,
      Vertx vertx,
      ObjectMapper json,
      MeterRegistry meters,
      CacheConfig config,
      @ConfigProperty(name = "quarkus.application.name") String application) {
    this.redis = redis;
    this.vertx = vertx;
    this.json = json;
    this.meters = meters;
    this.config = config;
    this.bus = new InvalidationBus(redis, vertx, application, config.resubscribeDelay());
  }

  /** The cache {@code name} of values of {@code type}, encoded as JSON in Redis. */
  public <V> TieredCache<V> create(String name, Class<V> type) {
    return create(name, json.constructType(type));
  }

  /** The cache {@code name} of values of {@code type}, encoded as JSON in Redis. */
  @SuppressWarnings("unchecked")
  public <V> TieredCache<V> create(String name, JavaType type) {
    return (TieredCache<V>)
        caches.computeIfAbsent(
            name,
            n ->
                new TieredCache<V>(
                    n,
                    config.settings(n),
                    config.enabled(),
                    redis,
                    vertx,
                    bus,
                    new TieredCache.Codec<V>() {
                      @Override
                      public String encode(V value) throws Exception {
                        return json.writeValueAsString(value);
                      }

                      @Override
                      public V decode(String text) throws Exception {
                        return json.readValue(text, type);
                      }
                    },
                    meters));
  }

  /** Whether invalidations from other instances are heard right now. */
  public boolean subscribed() {
    return bus.subscribed();
  }

  void start(@Observes StartupEvent started) {
    bus.start();
  }

  void stop(@Observes ShutdownEvent stopping) {
    bus.close();
  }
}
