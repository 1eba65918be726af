package dev.tessera.identity.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vertx.mutiny.core.Vertx;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class HashingPoolTest {

  private static final Duration DEADLINE = Duration.ofSeconds(2);

  private final Vertx vertx = Vertx.vertx();
  private final AtomicLong now = new AtomicLong();

  @AfterEach
  void close() {
    vertx.closeAndAwait();
  }

  @Test
  void
      a_check_whose_turn_comes_later_than_the_deadline_after_its_request_began_is_refused_busy_and_not_run()
          throws Exception {
    HashingPool pool = new HashingPool(vertx, 1, 16, DEADLINE, now::get);
    CountDownLatch hold = new CountDownLatch(1);
    AtomicBoolean staleRan = new AtomicBoolean();

    CompletableFuture<String> running = occupyTheOnlyThread(pool, hold);
    CompletableFuture<String> waiting =
        submit(
            pool,
            () -> {
              staleRan.set(true);
              return "stale";
            });
    now.addAndGet(DEADLINE.toNanos() + 1); // the only thread is busy past the bound
    hold.countDown();

    assertThat(running.get(10, TimeUnit.SECONDS)).isEqualTo("first");
    assertThatThrownBy(() -> waiting.get(10, TimeUnit.SECONDS))
        .isInstanceOf(ExecutionException.class)
        .hasCauseInstanceOf(HashingPool.Busy.class);
    assertThat(staleRan).as("a stale check costs no hash").isFalse();
    // The refused check gave its place back: the next one runs.
    assertThat(submit(pool, () -> "next").get(10, TimeUnit.SECONDS)).isEqualTo("next");
  }

  @Test
  void a_check_that_can_end_within_the_deadline_runs() throws Exception {
    HashingPool pool = new HashingPool(vertx, 1, 16, DEADLINE, now::get);
    CountDownLatch hold = new CountDownLatch(1);

    CompletableFuture<String> running = occupyTheOnlyThread(pool, hold);
    CompletableFuture<String> waiting = submit(pool, () -> "second");
    // Half the deadline waited, behind a hash of that length: there is time for another.
    now.addAndGet(DEADLINE.dividedBy(2).toNanos());
    hold.countDown();

    assertThat(running.get(10, TimeUnit.SECONDS)).isEqualTo("first");
    assertThat(waiting.get(10, TimeUnit.SECONDS)).isEqualTo("second");
  }

  @Test
  void the_wait_counts_from_when_the_request_began_not_from_when_it_reached_the_pool()
      throws Exception {
    HashingPool pool = new HashingPool(vertx, 1, 16, DEADLINE, now::get);
    long requestBegan = pool.now();
    now.addAndGet(DEADLINE.toNanos() + 1); // the throttle and the database took that long

    CompletableFuture<String> late =
        pool.run(requestBegan, () -> "late").subscribeAsCompletionStage();

    assertThatThrownBy(() -> late.get(10, TimeUnit.SECONDS))
        .hasCauseInstanceOf(HashingPool.Busy.class);
  }

  @Test
  void a_check_that_would_end_past_the_deadline_at_the_pace_of_recent_hashes_is_refused()
      throws Exception {
    HashingPool pool = new HashingPool(vertx, 1, 16, DEADLINE, now::get);
    // Three hashes of 1.5 s each (a saturated machine): the pool expects about a second per hash.
    for (int i = 0; i < 3; i++) {
      assertThat(submit(pool, () -> taking(Duration.ofMillis(1_500))).get(10, TimeUnit.SECONDS))
          .isEqualTo("hashed");
    }

    long beganLong = pool.now() - Duration.ofMillis(1_200).toNanos();
    CompletableFuture<String> late = pool.run(beganLong, () -> "late").subscribeAsCompletionStage();
    assertThatThrownBy(() -> late.get(10, TimeUnit.SECONDS))
        .as("1.2 s under way plus a ~1 s hash ends past the 2 s deadline")
        .hasCauseInstanceOf(HashingPool.Busy.class);

    long beganShortly = pool.now() - Duration.ofMillis(500).toNanos();
    assertThat(pool.run(beganShortly, () -> "in time").subscribeAsCompletionStage())
        .succeedsWithin(Duration.ofSeconds(10))
        .isEqualTo("in time");
  }

  @Test
  void hashes_slower_than_the_deadline_still_run_when_they_need_not_wait() throws Exception {
    HashingPool pool = new HashingPool(vertx, 1, 16, DEADLINE, now::get);
    for (int i = 0; i < 5; i++) {
      submit(pool, () -> taking(DEADLINE.multipliedBy(2))).get(10, TimeUnit.SECONDS);
    }
    // Expecting every hash to overrun would refuse them all, and with none run the expectation
    // could never come down again: a check that began just now always runs.
    assertThat(submit(pool, () -> "fresh")).succeedsWithin(Duration.ofSeconds(10));
  }

  @Test
  void a_check_beyond_threads_and_queue_is_refused_at_once() throws Exception {
    HashingPool pool = new HashingPool(vertx, 1, 0, DEADLINE, now::get);
    CountDownLatch hold = new CountDownLatch(1);

    CompletableFuture<String> running = occupyTheOnlyThread(pool, hold);
    CompletableFuture<String> refused = submit(pool, () -> "second");

    assertThatThrownBy(() -> refused.get(10, TimeUnit.SECONDS))
        .hasCauseInstanceOf(HashingPool.Busy.class);
    hold.countDown();
    assertThat(running.get(10, TimeUnit.SECONDS)).isEqualTo("first");
  }

  /** A check that holds the pool's one thread until {@code hold} opens; returns once it runs. */
  private static CompletableFuture<String> occupyTheOnlyThread(
      HashingPool pool, CountDownLatch hold) throws InterruptedException {
    CountDownLatch started = new CountDownLatch(1);
    CompletableFuture<String> running =
        submit(
            pool,
            () -> {
              started.countDown();
              return awaitLatch(hold, "first");
            });
    assertThat(started.await(10, TimeUnit.SECONDS)).as("the first check runs").isTrue();
    return running;
  }

  private static CompletableFuture<String> submit(
      HashingPool pool, java.util.function.Supplier<String> work) {
    return pool.run(pool.now(), work).subscribeAsCompletionStage();
  }

  /** A hash that takes {@code d} on the pool's clock. */
  private String taking(Duration d) {
    now.addAndGet(d.toNanos());
    return "hashed";
  }

  private static String awaitLatch(CountDownLatch latch, String result) {
    try {
      if (!latch.await(10, TimeUnit.SECONDS)) {
        throw new IllegalStateException("never released");
      }
      return result;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
