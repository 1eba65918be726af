package dev.tessera.gateway.proxy;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * Per route group: request rate, errors (by status class) and a latency histogram, as {@code
 * gateway_requests_seconds{group,status}} at {@code /q/metrics}.
 */
@ApplicationScoped
public class GatewayMetrics {

  /** helm/tessera's monitoring.slo.latencyThresholdSeconds: a test checks the bucket exists. */
  static final Duration LATENCY_OBJECTIVE = Duration.ofMillis(500);

  private final MeterRegistry registry;
  private final Map<String, Timer> timers = new ConcurrentHashMap<>();

  GatewayMetrics(MeterRegistry registry) {
    this.registry = registry;
  }

  /** Records one finished request. */
  public void record(String group, int status, long nanos) {
    String statusClass = (status / 100) + "xx";
    timers
        .computeIfAbsent(
            group + "|" + statusClass,
            k ->
                Timer.builder("gateway.requests")
                    .description("Requests through the gateway, by route group and status class")
                    .tag("group", group)
                    .tag("status", statusClass)
                    .tag("outcome", status >= 500 ? "error" : status >= 400 ? "rejected" : "ok")
                    .publishPercentileHistogram()
                    // The latency SLO's threshold (docs/slo.md) as a bucket of its own: the
                    // percentile buckets are powers of two in nanoseconds, none of them 0.5 s.
                    .serviceLevelObjectives(LATENCY_OBJECTIVE)
                    .register(registry))
        .record(nanos, TimeUnit.NANOSECONDS);
  }
}
