package dev.tessera.gateway.proxy;

import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.config.MeterFilter;
import io.micrometer.core.instrument.distribution.DistributionStatisticConfig;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;
import java.time.Duration;
import java.util.stream.Stream;

/**
 * Histogram buckets on the HTTP server timer at the latency objectives the SLO burn-rate alerts ask
 * about (the chart's {@code latencyThresholdSeconds}, 0.5 s by default): without them the alert's
 * {@code http_server_requests_seconds_bucket{le="0.5"}} has no data.
 */
@Singleton
public class LatencyObjectiveBuckets {

  private static final double[] OBJECTIVES =
      Stream.of(
              Duration.ofMillis(50),
              Duration.ofMillis(100),
              Duration.ofMillis(250),
              Duration.ofMillis(500),
              Duration.ofSeconds(1),
              Duration.ofSeconds(2))
          .mapToDouble(Duration::toNanos)
          .toArray();

  @Produces
  @Singleton
  MeterFilter httpServerObjectives() {
    return new MeterFilter() {
      @Override
      public DistributionStatisticConfig configure(
          Meter.Id id, DistributionStatisticConfig config) {
        if (!id.getName().equals("http.server.requests")) {
          return config;
        }
        return DistributionStatisticConfig.builder()
            .serviceLevelObjectives(OBJECTIVES)
            .build()
            .merge(config);
      }
    };
  }
}
