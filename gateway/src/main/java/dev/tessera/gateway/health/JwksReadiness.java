package dev.tessera.gateway.health;

import dev.tessera.gateway.security.JwksKeys;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

/**
 * Ready only once identity's keys are loaded: without them every protected request would be
 * refused. (Redis readiness comes from the Redis client's own check.)
 */
@Readiness
@ApplicationScoped
public class JwksReadiness implements HealthCheck {

  private final JwksKeys keys;

  JwksReadiness(JwksKeys keys) {
    this.keys = keys;
  }

  @Override
  public HealthCheckResponse call() {
    return HealthCheckResponse.named("jwks").status(keys.loaded()).build();
  }
}
