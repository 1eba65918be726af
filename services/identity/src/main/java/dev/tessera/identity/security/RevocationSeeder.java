package dev.tessera.identity.security;

import dev.tessera.identity.persistence.IdentityStore;
import dev.tessera.identity.persistence.RevocationEntity;
import io.quarkus.redis.datasource.ReactiveRedisDataSource;
import io.quarkus.runtime.StartupEvent;
import io.quarkus.scheduler.Scheduled;
import io.quarkus.vertx.VertxContextSupport;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.hibernate.reactive.mutiny.Mutiny;
import org.jboss.logging.Logger;

/**
 * Puts every live revocation back into a Redis that lost some or all of its data: at start, and
 * whenever a periodic check finds {@value Revocations#SEEDED} missing or written by an earlier run
 * of the server. While the key is missing the gateway and identity refuse tokens with {@code 503}
 * rather than accept revoked ones.
 *
 * <p>{@value Revocations#SEEDED} holds the {@code run_id} of the Redis process it was seeded into.
 * A Redis that was flushed or came back without its volume has no key; one that crashed with its
 * append-only file has the key but may have lost the last second of writes (fsync every second), so
 * a new {@code run_id} is enough to seed again.
 *
 * <p>The seeding marks itself with a random {@code revocations:seeding} value first and sets
 * {@value Revocations#SEEDED} only if that mark is still there, in one script: a Redis that
 * restarted halfway (and lost the first entries) has no mark, so it is not declared seeded.
 */
@ApplicationScoped
public class RevocationSeeder {

  private static final Logger LOG = Logger.getLogger(RevocationSeeder.class);
  private static final String SEEDING = "revocations:seeding";
  private static final String FINISH =
      "if redis.call('GET', KEYS[1]) == ARGV[1] then"
          + " redis.call('SET', KEYS[2], ARGV[2]); redis.call('DEL', KEYS[1]); return 1 end"
          + " return 0";

  private final ReactiveRedisDataSource redis;
  private final Mutiny.SessionFactory sessions;
  private final IdentityStore store;
  private final Revocations revocations;

  RevocationSeeder(
      ReactiveRedisDataSource redis,
      Mutiny.SessionFactory sessions,
      IdentityStore store,
      Revocations revocations) {
    this.redis = redis;
    this.sessions = sessions;
    this.store = store;
    this.revocations = revocations;
  }

  void onStart(@Observes StartupEvent event) {
    try {
      VertxContextSupport.subscribeAndAwait(this::seedIfMissing);
    } catch (Throwable e) {
      // Not fatal: tokens are refused (503) until the periodic check succeeds.
      LOG.warnf("Could not seed Redis with the revocations at start: %s", e.getMessage());
    }
  }

  @Scheduled(
      every = "${tessera.revocation.seed-check-interval:5s}",
      concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
  Uni<Void> check() {
    return seedIfMissing()
        .replaceWithVoid()
        .onFailure()
        .recoverWithUni(
            e -> {
              LOG.debugf("Revocation seed check failed: %s", e.getMessage());
              return Uni.createFrom().voidItem();
            });
  }

  @Scheduled(every = "1h", delayed = "1m")
  Uni<Void> forgetExpired() {
    return sessions
        .withTransaction(session -> store.deleteExpiredRevocations(session, Instant.now()))
        .replaceWithVoid();
  }

  /** Re-seeds Redis unless this run of it says it holds every revocation; whether it seeded. */
  public Uni<Boolean> seedIfMissing() {
    return redis
        .execute("INFO", "server")
        .map(info -> runId(info.toString()))
        .flatMap(
            runId ->
                redis
                    .value(String.class, String.class)
                    .get(Revocations.SEEDED)
                    .flatMap(
                        seeded ->
                            runId.equals(seeded) ? Uni.createFrom().item(false) : seed(runId)));
  }

  /** The {@code run_id} line of {@code INFO server}: new at every start of the Redis process. */
  static String runId(String info) {
    for (String line : info.split("\r?\n")) {
      if (line.startsWith("run_id:")) {
        return line.substring("run_id:".length()).trim();
      }
    }
    throw new IllegalStateException("INFO server has no run_id");
  }

  private Uni<Boolean> seed(String runId) {
    String mark = UUID.randomUUID().toString();
    Instant now = Instant.now();
    return redis
        .value(String.class, String.class)
        .setex(SEEDING, 300, mark)
        .chain(() -> sessions.withTransaction(session -> store.liveRevocations(session, now)))
        .flatMap(live -> putAll(live, now).replaceWith(live.size()))
        .flatMap(
            count ->
                redis
                    .execute("EVAL", FINISH, "2", SEEDING, Revocations.SEEDED, mark, runId)
                    .map(
                        done -> {
                          boolean seeded = done.toInteger() == 1;
                          if (seeded) {
                            LOG.infof("Seeded Redis with %d live revocations", count);
                          }
                          return seeded;
                        }));
  }

  private Uni<Void> putAll(List<RevocationEntity> live, Instant now) {
    return Multi.createFrom()
        .iterable(live)
        .onItem()
        .transformToUniAndConcatenate(r -> revocations.put(r.key, r.value, r.expiresAt, now))
        .collect()
        .last()
        .replaceWithVoid();
  }
}
