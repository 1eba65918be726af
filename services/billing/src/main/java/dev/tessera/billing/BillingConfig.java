package dev.tessera.billing;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;

/** Billing's own configuration ({@code billing.*}). */
@ConfigMapping(prefix = "billing")
public interface BillingConfig {

  /** The simulated payment provider. */
  Provider provider();

  /** Retries of payments the provider could not take. */
  Payments payments();

  /** Behaviour of the simulated payment provider. */
  interface Provider {
    /** How long a healthy provider takes to answer. */
    @WithDefault("5ms")
    Duration latency();

    /** How long the provider takes in {@code slow} mode: longer than billing's timeout. */
    @WithDefault("3s")
    Duration slowLatency();

    /** The mode the provider starts in: healthy, slow, failing or down. */
    @WithDefault("healthy")
    String initialMode();
  }

  /** The retry job for pending charges and refunds. */
  interface Payments {
    /** Attempts of a charge in all before it fails with {@code provider_unavailable}. */
    @WithDefault("10")
    int maxAttempts();

    /** Delay after the first failed attempt; it doubles on every further one. */
    @WithDefault("2s")
    Duration initialBackoff();

    /** Upper bound of the delay between two attempts. */
    @WithDefault("5m")
    Duration maxBackoff();

    /**
     * How long a claimed payment is hidden from other replicas while its provider call runs; a
     * replica that dies mid-call releases it when this passes.
     */
    @WithDefault("30s")
    Duration lease();

    /** How often the retry job looks for due payments. */
    @WithDefault("1s")
    Duration retryEvery();

    /** How long after start-up the retry job first runs. */
    @WithDefault("5s")
    Duration retryDelayed();

    /**
     * How long after billing's last charge call a failed or cancelled payment keeps looking its
     * charge up; a look-up after that is final. It must outlast any call that can still land
     * (billing's timeout plus the provider's own processing deadline, seconds) and stay within the
     * provider's idempotency-key retention (24 h at common providers), so the look-up still sees
     * it.
     */
    @WithDefault("15m")
    Duration lookupWindow();

    /**
     * How long a stopping replica waits for the charges it has in flight before it hands the rest
     * back to the queue. Within the pod's grace period, after the HTTP drain.
     */
    @WithDefault("10s")
    Duration drainTimeout();

    /** Payments one run of the retry job claims at most. */
    @WithDefault("20")
    int batchSize();
  }
}
