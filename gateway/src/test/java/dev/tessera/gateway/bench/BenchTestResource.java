package dev.tessera.gateway.bench;

import dev.tessera.servers.FreePorts;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.util.Map;

/**
 * Adds the benchmark's upstream service {@code bench} to the gateway (on a loopback port where
 * {@link BenchUpstream} listens) and gives its route group a limit no benchmark run can use up: the
 * per-user bucket is still taken from in Redis on every request, it just never runs dry.
 *
 * <p>Everything else (Redis, JWKS, the other services) comes from {@code GatewayTestResource}.
 */
public class BenchTestResource implements QuarkusTestResourceLifecycleManager {

  /** The service and route group of the benchmark's endpoint. */
  static final String SERVICE = "bench";

  /** Bucket size: more than any run sends. */
  static final long CAPACITY = 1_000_000_000L;

  /**
   * Refill: next to nothing (a token per 1000 s), so that the bucket's level in Redis counts the
   * requests the gateway admitted; not zero, which the token bucket divides by.
   */
  static final double REFILL_PER_SECOND = 0.001;

  @Override
  public Map<String, String> start() {
    return Map.of(
        "tessera.gateway.upstreams." + SERVICE,
        "http://127.0.0.1:" + FreePorts.next(),
        "tessera.gateway.rate-limit.groups." + SERVICE + ".capacity",
        Long.toString(CAPACITY),
        "tessera.gateway.rate-limit.groups." + SERVICE + ".refill-per-second",
        Double.toString(REFILL_PER_SECOND));
  }

  @Override
  public void stop() {}
}
