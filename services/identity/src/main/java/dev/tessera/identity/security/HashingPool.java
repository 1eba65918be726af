package dev.tessera.identity.security;

import dev.tessera.identity.IdentityConfig;
import dev.tessera.web.ProblemException;
import io.quarkus.runtime.ShutdownEvent;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.core.Vertx;
import io.vertx.mutiny.core.WorkerExecutor;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.time.Duration;
import java.util.concurrent.Semaphore;
import java.util.function.Supplier;

/**
 * Where password hashes run: a fixed number of worker threads and a bounded queue in front of them.
 * Each Argon2 run holds ~19 MiB of heap, so the number that may run at once is what bounds
 * identity's memory under a flood of log-ins; work beyond threads + queue is refused at once
 * ({@link Busy}), without waiting and without taking memory.
 */
@ApplicationScoped
public class HashingPool {

  private final WorkerExecutor workers;
  private final Semaphore admitted;

  HashingPool(Vertx vertx, IdentityConfig config) {
    int threads = config.hashing().threads();
    this.workers = vertx.createSharedWorkerExecutor("password-hashing", threads);
    // Running plus waiting: the executor's own queue is unbounded, so the bound is kept here.
    this.admitted = new Semaphore(threads + config.hashing().queue());
  }

  /**
   * Runs {@code work} on a hashing thread and resumes on the caller's Vert.x context (where
   * Hibernate Reactive must continue); fails with {@link Busy} at once when the pool is full.
   */
  public <T> Uni<T> run(Supplier<T> work) {
    return Uni.createFrom()
        .deferred(
            () -> {
              if (!admitted.tryAcquire()) {
                return Uni.createFrom().failure(new Busy());
              }
              return workers
                  .executeBlocking(Uni.createFrom().item(work), false)
                  .onTermination()
                  .invoke(admitted::release);
            });
  }

  void close(@Observes ShutdownEvent event) {
    workers.closeAndForget();
  }

  /** The pool and its queue are full: answered 503 with Retry-After, at once. */
  public static final class Busy extends ProblemException {
    Busy() {
      super(
          503,
          "busy",
          "Too busy",
          "Too many password checks are in progress; try again shortly.",
          Duration.ofSeconds(1));
    }
  }
}
