package dev.tessera.gateway.it;

import dev.tessera.servers.FreePorts;
import dev.tessera.servers.Servers;
import dev.tessera.testing.TesseraServers;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Points the gateway at the shared real Redis, and at loopback ports where the tests run what
 * identity and the services publish ({@link FakeServices}): a JWKS and small upstream servers. Some
 * ports deliberately have nothing listening (a dead orders instance, a dead billing service).
 */
public class GatewayTestResource implements QuarkusTestResourceLifecycleManager {

  @Override
  public Map<String, String> start() {
    Servers servers = TesseraServers.shared();
    Map<String, String> config = new LinkedHashMap<>();
    config.put("quarkus.redis.hosts", servers.redis().uri());
    config.put("quarkus.devservices.enabled", "false");
    int jwks = FreePorts.next();
    config.put("tessera.gateway.jwks-url", "http://127.0.0.1:" + jwks + "/jwks.json");
    config.put(
        "tessera.gateway.upstreams.identity", url(FreePorts.next()) + "," + url(FreePorts.next()));
    // The second orders instance is dead: passive health must skip it.
    config.put(
        "tessera.gateway.upstreams.orders", url(FreePorts.next()) + "," + url(FreePorts.next()));
    config.put("tessera.gateway.upstreams.notifications", url(FreePorts.next()));
    // Nothing listens for billing: its circuit opens.
    config.put("tessera.gateway.upstreams.billing", url(FreePorts.next()));
    config.put("tessera.gateway.jwt.jwks-min-refresh-interval", "3S");
    config.put("tessera.gateway.jwt.jwks-retry-interval", "200MS");
    config.put("tessera.gateway.resilience.timeout", "2S");
    config.put("tessera.gateway.resilience.circuit-request-volume", "10");
    config.put("tessera.gateway.resilience.circuit-delay", "30S");
    config.put("tessera.gateway.resilience.eject-for", "30S");
    config.put("tessera.gateway.rate-limit.groups.default.capacity", "1000");
    config.put("tessera.gateway.rate-limit.groups.default.refill-per-second", "1000");
    config.put("tessera.gateway.rate-limit.groups.auth.capacity", "1000");
    config.put("tessera.gateway.rate-limit.groups.auth.refill-per-second", "1000");
    // Tight, per user: the 429 tests use fresh users on this group.
    config.put("tessera.gateway.rate-limit.groups.notifications.capacity", "5");
    config.put("tessera.gateway.rate-limit.groups.notifications.refill-per-second", "1");
    return config;
  }

  private static String url(int port) {
    return "http://127.0.0.1:" + port;
  }

  @Override
  public void stop() {}
}
