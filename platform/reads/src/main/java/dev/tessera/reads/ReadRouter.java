package dev.tessera.reads;

import dev.tessera.web.Outages;
import dev.tessera.web.ProblemException;
import dev.tessera.web.WebConfig;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.smallrye.mutiny.Uni;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import org.hibernate.reactive.mutiny.Mutiny;
import org.jboss.logging.Logger;

/**
 * Runs an API read on the replica or the primary, never showing a client data older than its own
 * last write.
 *
 * <ul>
 *   <li>A read carrying a consistency token ({@code Tessera-Consistency: <lsn>}) goes to the
 *       replica only when it has replayed that position; otherwise to the primary.
 *   <li>A read without one goes to the replica while it is in the read pool (reachable, staleness
 *       within {@code tessera.reads.max-staleness}).
 *   <li>Primary down: reads go to the replica; a token it has not replayed yet is a {@code 503}
 *       (serving older data would break read-your-writes).
 *   <li>A read whose server fails with an outage is retried once on the other, where that keeps the
 *       guarantee.
 * </ul>
 *
 * <p>Writes, and reads inside a write transaction, do not come here: they use the session factory
 * as before, on the primary.
 */
@ApplicationScoped
public class ReadRouter {

  private static final Logger LOG = Logger.getLogger(ReadRouter.class);
  static final String SERVED_BY = ReadRouter.class.getName() + ".servedBy";
  static final String TOKEN = ReadRouter.class.getName() + ".token";

  private final Mutiny.SessionFactory sessions;
  private final ReplicaMonitor replica;
  private final MeterRegistry registry;
  private final WebConfig web;
  private final Map<String, Counter> counters = new ConcurrentHashMap<>();

  ReadRouter(
      Mutiny.SessionFactory sessions,
      ReplicaMonitor replica,
      MeterRegistry registry,
      WebConfig web) {
    this.sessions = sessions;
    this.replica = replica;
    this.registry = registry;
    this.web = web;
  }

  /** Runs {@code work} in a session (no transaction) on the server that should serve this read. */
  public <T> Uni<T> read(Function<Mutiny.Session, Uni<T>> work) {
    return route(work, false);
  }

  /**
   * Runs {@code work} on the primary, or on the replica while the primary is down: for a read whose
   * result outlives the request, such as a cache fill. A replica can be behind the write whose
   * invalidation just emptied the key, and what it returned would then be kept for the cache's
   * lifetime, for every reader, tokens or not.
   */
  public <T> Uni<T> readLatest(Function<Mutiny.Session, Uni<T>> work) {
    return route(work, true);
  }

  private <T> Uni<T> route(Function<Mutiny.Session, Uni<T>> work, boolean latest) {
    return Uni.createFrom()
        .deferred(
            () -> {
              Optional<Lsn> token = token();
              Choice choice = latest ? chooseLatest(token) : choose(token);
              return on(choice, work)
                  .onFailure(failure -> Outages.outage(failure) != null)
                  .recoverWithUni(failure -> fallback(choice, token, work, failure));
            });
  }

  private <T> Uni<T> fallback(
      Choice failed,
      Optional<Lsn> token,
      Function<Mutiny.Session, Uni<T>> work,
      Throwable failure) {
    if (failed.target() == ReadTarget.REPLICA) {
      LOG.warnf("a read failed on the replica (%s): retried on the primary", failure.getMessage());
      return on(new Choice(ReadTarget.PRIMARY, "replica-failed"), work);
    }
    if (replica.configured() && replica.replicaUp() && satisfied(token)) {
      LOG.warnf("a read failed on the primary (%s): retried on the replica", failure.getMessage());
      return on(new Choice(ReadTarget.REPLICA, "primary-failed"), work);
    }
    return Uni.createFrom().failure(failure);
  }

  private <T> Uni<T> on(Choice choice, Function<Mutiny.Session, Uni<T>> work) {
    return choice
        .target()
        .run(() -> sessions.withSession(work))
        .invoke(
            () -> {
              count(choice);
              Context context = Vertx.currentContext();
              if (context != null) {
                context.putLocal(SERVED_BY, choice.target());
              }
            });
  }

  private Choice chooseLatest(Optional<Lsn> token) {
    if (replica.configured() && !replica.primaryUp() && replica.replicaUp()) {
      return choose(token);
    }
    return new Choice(ReadTarget.PRIMARY, "latest");
  }

  private Choice choose(Optional<Lsn> token) {
    if (!replica.configured()) {
      return new Choice(ReadTarget.PRIMARY, "no-replica");
    }
    if (!replica.primaryUp() && replica.replicaUp()) {
      if (!satisfied(token)) {
        count(new Choice(ReadTarget.PRIMARY, "token-unreachable"));
        throw ProblemException.unavailable(
            "The primary is down and the replica has not caught up with your last write yet;"
                + " retry shortly.",
            web.outageRetryAfter());
      }
      return new Choice(ReadTarget.REPLICA, "primary-down");
    }
    if (token.isPresent()) {
      return replica.replicaUp() && replica.replayed(token.get())
          ? new Choice(ReadTarget.REPLICA, "token-replayed")
          : new Choice(ReadTarget.PRIMARY, "token-ahead");
    }
    return replica.inReadPool()
        ? new Choice(ReadTarget.REPLICA, "fresh")
        : new Choice(ReadTarget.PRIMARY, replica.replicaUp() ? "replica-stale" : "replica-down");
  }

  private boolean satisfied(Optional<Lsn> token) {
    return token.isEmpty() || replica.replayed(token.get());
  }

  private void count(Choice choice) {
    counters
        .computeIfAbsent(
            choice.target().label() + "/" + choice.reason(),
            key ->
                Counter.builder("tessera.reads")
                    .description("API reads by the server that served them and why")
                    .tag("served_by", choice.target().label())
                    .tag("reason", choice.reason())
                    .register(registry))
        .increment();
  }

  private static Optional<Lsn> token() {
    Context context = Vertx.currentContext();
    Object token = context == null ? null : context.getLocal(TOKEN);
    return token instanceof Lsn lsn ? Optional.of(lsn) : Optional.empty();
  }

  private record Choice(ReadTarget target, String reason) {}
}
