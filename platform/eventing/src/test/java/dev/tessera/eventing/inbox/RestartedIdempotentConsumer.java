package dev.tessera.eventing.inbox;

import dev.tessera.eventing.EventingConfig;
import dev.tessera.sharding.ShardRouter;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.opentelemetry.api.trace.Tracer;
import io.vertx.core.Vertx;
import org.hibernate.reactive.mutiny.Mutiny;

/**
 * Builds an idempotent consumer apart from the application's bean, with nothing in memory, as a
 * restarted service has: what it knows of applied events can only come from the database.
 */
public final class RestartedIdempotentConsumer {

  private RestartedIdempotentConsumer() {}

  /**
   * A new consumer on the same database, configuration, tracer, Vert.x, stall report and router as
   * the running one.
   */
  public static IdempotentConsumer create(
      Mutiny.SessionFactory sessionFactory,
      EventingConfig config,
      Tracer tracer,
      Vertx vertx,
      StalledRecords stalled,
      ShardRouter router) {
    // Its delivery latencies go to a registry of its own: the running one's timers stay the app's.
    return new IdempotentConsumer(
        sessionFactory,
        config,
        tracer,
        vertx,
        stalled,
        new DeliveryMetrics(new SimpleMeterRegistry()),
        router);
  }
}
