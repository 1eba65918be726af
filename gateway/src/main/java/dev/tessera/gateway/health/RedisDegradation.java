package dev.tessera.gateway.health;

import dev.tessera.gateway.security.Revocations;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

/**
 * Says whether the gateway is in its Redis-degraded mode, without ever making it unready. Every
 * gateway instance shares one Redis: were readiness to follow Redis, a Redis restart (a rollout of
 * it, a node drain) would take every gateway out of rotation at once and the ingress would answer
 * 503 on every route, public ones included. Instead the gateway keeps serving: public routes as
 * usual, rate limits from each instance's local buckets (fail open), and authenticated routes by
 * the revocation policy — fail closed by default, a 503 {@code revocation-unavailable} problem with
 * {@code Retry-After}, which no other gateway instance could answer better. (The Redis client's own
 * readiness check is turned off for that reason: {@code quarkus.redis.health.enabled=false}.)
 */
@Readiness
@ApplicationScoped
public class RedisDegradation implements HealthCheck {

  private final Revocations revocations;

  RedisDegradation(Revocations revocations) {
    this.revocations = revocations;
  }

  @Override
  public HealthCheckResponse call() {
    boolean subscribed = revocations.subscribed();
    return HealthCheckResponse.named("redis")
        .up()
        .withData("mode", subscribed ? "normal" : "degraded")
        .withData(
            "detail",
            subscribed
                ? "revocations are announced and applied at once"
                : "Redis unreachable: public routes serve, rate limits are per instance,"
                    + " authenticated routes follow revocation.fail-open")
        .build();
  }
}
