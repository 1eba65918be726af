package dev.tessera.gateway.ratelimit;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class TokenBucketTest {

  private static final long SECOND = 1_000_000;

  @Test
  void a_new_bucket_admits_its_capacity_at_once_then_refuses() {
    TokenBucket.State state = null;
    for (int i = 0; i < 5; i++) {
      TokenBucket.Outcome o = TokenBucket.take(state, 0, 5, 1);
      assertThat(o.decision().allowed()).isTrue();
      assertThat(o.decision().remaining()).isEqualTo(4 - i);
      state = o.state();
    }
    TokenBucket.Outcome refused = TokenBucket.take(state, 0, 5, 1);
    assertThat(refused.decision().allowed()).isFalse();
    assertThat(refused.decision().remaining()).isZero();
    assertThat(refused.decision().retryAfterMillis()).isEqualTo(1000);
    assertThat(refused.decision().retryAfterSeconds()).isEqualTo(1);
    assertThat(refused.decision().resetSeconds()).isEqualTo(5);
  }

  @Test
  void tokens_come_back_at_the_refill_rate_and_never_beyond_capacity() {
    TokenBucket.State empty = new TokenBucket.State(0, 0);
    assertThat(TokenBucket.take(empty, SECOND / 2, 10, 2).decision().allowed()).isTrue();
    assertThat(TokenBucket.take(empty, SECOND / 4, 10, 2).decision().allowed()).isFalse();
    assertThat(TokenBucket.take(empty, SECOND / 4, 10, 2).decision().retryAfterMillis())
        .isEqualTo(250);
    TokenBucket.Outcome afterAnHour = TokenBucket.take(empty, 3600 * SECOND, 10, 2);
    assertThat(afterAnHour.state().tokens()).isEqualTo(9);
  }

  @Test
  void a_clock_going_backwards_adds_no_tokens() {
    TokenBucket.State state = new TokenBucket.State(0.5, 10 * SECOND);
    TokenBucket.Outcome o = TokenBucket.take(state, 5 * SECOND, 10, 1);
    assertThat(o.decision().allowed()).isFalse();
    assertThat(o.state().tokens()).isEqualTo(0.5);
  }

  @Test
  void over_a_long_run_admissions_match_capacity_plus_rate_times_time() {
    long[] now = {0};
    LocalTokenBuckets buckets = new LocalTokenBuckets(() -> now[0]);
    int admitted = 0;
    // 10 s of a request every millisecond against 20 burst + 50/s.
    for (int ms = 0; ms < 10_000; ms++) {
      now[0] = ms * 1000L;
      if (buckets.take("k", 20, 50).allowed()) {
        admitted++;
      }
    }
    assertThat(admitted).isBetween(20 + 500 - 1, 20 + 500 + 1);
  }

  @Test
  void a_ttl_outlives_the_refill_of_an_empty_bucket() {
    assertThat(TokenBucket.ttlMillis(10, 2)).isEqualTo(6000);
  }
}
