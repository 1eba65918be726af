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
 * 127.0.0.1 is a trusted proxy; 127.0.0.2 (also loopback) is not.
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
    // Two healthy instances of their own, for the per-instance circuit breakers.
    config.put(
        "tessera.gateway.upstreams.inventory", url(FreePorts.next()) + "," + url(FreePorts.next()));
    // Nothing listens for billing: its circuit opens.
    config.put("tessera.gateway.upstreams.billing", url(FreePorts.next()));
    // RollingUpstreamsTest's services (RollingUpstreams serves them): the first instance of
    // "refusing" has nothing listening; "draining" has one instance that is going away; "vanishing"
    // breaks connections; "idle" counts its connections. "idle" is named, not an address: it goes
    // through discovery (localhost resolves to loopback).
    config.put(
        "tessera.gateway.upstreams.refusing", url(FreePorts.next()) + "," + url(FreePorts.next()));
    config.put(
        "tessera.gateway.upstreams.draining", url(FreePorts.next()) + "," + url(FreePorts.next()));
    config.put("tessera.gateway.upstreams.vanishing", url(FreePorts.next()));
    config.put("tessera.gateway.upstreams.idle", "http://localhost:" + FreePorts.next());
    // What identity's and orders' descriptors (services/*/service.yaml) give the gateway.
    config.put(
        "tessera.gateway.routes.public-reads",
        "/api/identity/.well-known/jwks.json,/api/orders/catalog");
    config.put(
        "tessera.gateway.routes.auth",
        "POST /api/identity/users,POST /api/identity/tokens,POST /api/identity/tokens/refresh");
    config.put("tessera.gateway.discovery.enabled", "true");
    config.put("tessera.gateway.discovery.refresh", "1S");
    // Far shorter than any upstream's idle timeout here (none closes idle connections itself).
    config.put("tessera.gateway.resilience.keep-alive-timeout", "1S");
    config.put("tessera.gateway.jwt.jwks-min-refresh-interval", "3S");
    config.put("tessera.gateway.jwt.jwks-retry-interval", "200MS");
    config.put("tessera.gateway.resilience.timeout", "2S");
    config.put("tessera.gateway.resilience.circuit-request-volume", "10");
    config.put("tessera.gateway.resilience.circuit-delay", "30S");
    config.put("tessera.gateway.resilience.eject-for", "30S");
    config.put("tessera.gateway.rate-limit.groups.default.capacity", "1000");
    config.put("tessera.gateway.rate-limit.groups.default.refill-per-second", "1000");
    // Not the default group's size: a test can tell which group a request was counted in.
    config.put("tessera.gateway.rate-limit.groups.auth.capacity", "900");
    config.put("tessera.gateway.rate-limit.groups.auth.refill-per-second", "1000");
    // Every test client shares 127.0.0.1 and the token tests fail many on purpose; the flood test
    // sends from addresses of its own (loopback is a trusted proxy, so X-Forwarded-For counts).
    // Refilled slowly (one every 20 s): the flood test's good token, sent right after its last
    // 429, must not find a token refilled meanwhile (at one every 2 s, CI under load did).
    config.put("tessera.gateway.rate-limit.groups.auth-failures.capacity", "200");
    config.put("tessera.gateway.rate-limit.groups.auth-failures.refill-per-second", "0.05");
    config.put("tessera.gateway.trusted-proxies", "127.0.0.1/32");
    config.put("tessera.gateway.body-read-timeout", "2S");
    // Far longer than in production: a revocation that reaches a cached token here can only have
    // come through the channel or the log-out, never through the cache running out.
    config.put("tessera.gateway.revocation.cache-ttl", "30S");
    config.put("tessera.gateway.revocation.resubscribe-delay", "2S");
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
