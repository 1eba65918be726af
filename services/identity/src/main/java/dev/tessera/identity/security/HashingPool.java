package dev.tessera.identity.security;

import dev.tessera.identity.IdentityConfig;
import dev.tessera.web.ProblemException;
import io.quarkus.runtime.ShutdownEvent;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.core.Vertx;
import io.vertx.mutiny.core.WorkerExecutor;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * Where password hashes run: a fixed number of worker threads and a bounded queue in front of them.
 * Each Argon2 run holds ~19 MiB of heap, so the number that may run at once is what bounds
 * identity's memory under a flood of log-ins; work beyond threads + queue is refused at once
 * ({@link Busy}), without waiting and without taking memory. A check that would end more than
 * {@code deadline} after its request began — its wait so far plus the time recent hashes took — is
 * refused too, instead of being run: on a slow or saturated machine the queue's length alone does
 * not bound the answer's time, and a check answered after the gateway's deadline is a {@code 504}
 * that counts against identity's circuit — enough of them open it, and log-in is down for everyone.
 * A {@code 503} with {@code Retry-After} does not count (the gateway reads it as load being shed).
 */
@ApplicationScoped
public class HashingPool {

  private final WorkerExecutor workers;
  private final Semaphore admitted;
  private final long deadlineNanos;
  private final LongSupplier clock;

  /**
   * How long a hash takes now: a moving average of recent runs (a saturated machine runs them
   * several times slower than an idle one). Counted at most as half the deadline, so a check that
   * begins with a free thread always runs, and the average can come down again.
   */
  private final AtomicLong recentRunNanos = new AtomicLong();

  @Inject
  HashingPool(Vertx vertx, IdentityConfig config) {
    this(
        vertx,
        config.hashing().threads(),
        config.hashing().queue(),
        config.hashing().deadline(),
        System::nanoTime);
  }

  HashingPool(Vertx vertx, int threads, int queue, Duration deadline, LongSupplier clock) {
    this.workers = vertx.createSharedWorkerExecutor("password-hashing", threads);
    // Running plus waiting: the executor's own queue is unbounded, so the bound is kept here.
    this.admitted = new Semaphore(threads + queue);
    this.deadlineNanos = deadline.toNanos();
    this.clock = clock;
  }

  /** Now, on the clock that {@link #run}'s {@code since} is read on ({@link System#nanoTime}). */
  public long now() {
    return clock.getAsLong();
  }

  /**
   * Runs {@code work} on a hashing thread and resumes on the caller's Vert.x context (where
   * Hibernate Reactive must continue); fails with {@link Busy} at once when the pool is full, and
   * instead of running it when, at its turn, it would end more than {@code deadline} after {@code
   * since} (when the request began, read from {@link #now()}: the throttle's and the database's
   * waits before the pool count too).
   */
  public <T> Uni<T> run(long since, Supplier<T> work) {
    return Uni.createFrom()
        .deferred(
            () -> {
              if (!admitted.tryAcquire()) {
                return Uni.createFrom().failure(new Busy());
              }
              Supplier<T> unlessLate =
                  () -> {
                    long turn = clock.getAsLong();
                    long expected = Math.min(recentRunNanos.get(), deadlineNanos / 2);
                    if (turn - since + expected > deadlineNanos) {
                      throw new Busy();
                    }
                    T result = work.get();
                    long took = clock.getAsLong() - turn;
                    recentRunNanos.getAndUpdate(average -> average + (took - average) * 3 / 10);
                    return result;
                  };
              return workers
                  .executeBlocking(Uni.createFrom().item(unlessLate), false)
                  .onTermination()
                  .invoke(admitted::release);
            });
  }

  void close(@Observes ShutdownEvent event) {
    workers.closeAndForget();
  }

  /** The pool and its queue are full, or the check waited too long: 503 with Retry-After. */
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
