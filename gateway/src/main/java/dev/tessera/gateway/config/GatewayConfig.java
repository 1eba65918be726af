package dev.tessera.gateway.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import io.smallrye.config.WithName;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Typed configuration of the gateway ({@code tessera.gateway.*}). */
@ConfigMapping(prefix = "tessera.gateway")
public interface GatewayConfig {

  /** Base URLs of each service's instances, e.g. {@code orders=http://a:8082,http://b:8082}. */
  Map<String, List<String>> upstreams();

  /** The routes that pass without a token, as the services' descriptors declare them. */
  Routes routes();

  /** Where identity publishes its JSON Web Key Set. */
  String jwksUrl();

  /** Token verification. */
  Jwt jwt();

  /** Revocation lookups in Redis. */
  Revocation revocation();

  /** Distributed rate limiting. */
  RateLimit rateLimit();

  /** Timeouts, circuit breakers, bulkheads, retries and passive health of upstreams. */
  Resilience resilience();

  /** Finding each upstream's instances in DNS (a headless Service: one address per pod). */
  Discovery discovery();

  /** Largest request body accepted, in bytes; larger → 413. */
  @WithDefault("1048576")
  long maxBodyBytes();

  /** Longest a client may take to send a request body; slower → 408 and the connection closed. */
  @WithDefault("10S")
  Duration bodyReadTimeout();

  /**
   * Proxies (IP addresses or CIDR ranges) whose {@code X-Forwarded-For} is believed; none by
   * default: the connection's peer is the client.
   */
  Optional<List<String>> trustedProxies();

  /** Aggregated OpenAPI document. */
  Docs docs();

  /**
   * The public part of the route table; every other route under {@code /api/<service>/} needs a
   * token. The launcher and the chart fill it from {@code services/<name>/service.yaml}.
   */
  interface Routes {
    /** Paths whose GET and HEAD pass without a token, e.g. {@code /api/orders/catalog}. */
    Optional<List<String>> publicReads();

    /**
     * Credential endpoints, {@code "METHOD /path"}: no token, and limited per client address in the
     * strict {@code auth} rate-limit group.
     */
    Optional<List<String>> auth();
  }

  /** Token verification settings. */
  interface Jwt {
    /** Required {@code iss}. */
    @WithDefault("tessera-identity")
    String issuer();

    /** Required member of {@code aud}. */
    @WithDefault("tessera")
    String audience();

    /**
     * Clock skew tolerated on {@code exp}/{@code nbf}; identity keeps revocations until {@code exp}
     * plus the same skew ({@code tessera.revocation.clock-skew} on both sides).
     */
    @WithDefault("30S")
    Duration clockSkew();

    /** Least time between two JWKS fetches caused by an unknown {@code kid}. */
    @WithDefault("30S")
    Duration jwksMinRefreshInterval();

    /** Periodic JWKS refresh, to pick up rotations even without unknown kids. */
    @WithDefault("5M")
    Duration jwksRefreshInterval();

    /** Retry interval while no JWKS has been loaded yet. */
    @WithDefault("2S")
    Duration jwksRetryInterval();

    /** Timeout of one JWKS fetch. */
    @WithDefault("2S")
    Duration jwksFetchTimeout();

    /**
     * How many verified tokens are remembered, so that a client's next requests with the same token
     * skip the RS256 check (still checked: {@code exp}, and that the signing key is still in the
     * JWKS); 0 verifies every request.
     */
    @WithDefault("10000")
    int verifiedCacheSize();
  }

  /** Revocation settings. */
  interface Revocation {
    /**
     * How long a "not revoked" answer is cached locally while the revocation channel is subscribed
     * (a revocation published on it drops the entry at once); while it is not, nothing is cached.
     */
    @WithDefault("1S")
    Duration cacheTtl();

    /** Pause before subscribing again after the revocation channel's connection was lost. */
    @WithDefault("1S")
    Duration resubscribeDelay();

    /** Redis round-trip deadline for a revocation lookup. */
    @WithDefault("250MS")
    Duration redisTimeout();

    /**
     * Whether a token is accepted when Redis cannot answer; default {@code false}: 503, since a
     * revoked token must not slip through.
     */
    @WithDefault("false")
    boolean failOpen();
  }

  /** Rate limiting settings. */
  interface RateLimit {
    /** Whether limits are applied at all. */
    @WithDefault("true")
    boolean enabled();

    /** Redis round-trip deadline; slower → the local fallback limiter decides. */
    @WithDefault("250MS")
    Duration redisTimeout();

    /** Limits per route group; {@code default} applies to groups without their own entry. */
    Map<String, Limit> groups();
  }

  /** One token bucket's size. */
  interface Limit {
    /** Bucket size: the burst a client may send at once. */
    long capacity();

    /** Tokens added per second: the sustained rate. */
    double refillPerSecond();
  }

  /** Resilience settings, shared by every upstream. */
  interface Resilience {
    /** Deadline until an upstream's response headers arrive. */
    @WithDefault("5S")
    Duration timeout();

    /** Connect timeout to one instance. */
    @WithDefault("1S")
    Duration connectTimeout();

    /** Concurrent requests per upstream service. */
    @WithDefault("200")
    int bulkheadLimit();

    /** Requests waiting for the bulkhead per upstream service. */
    @WithDefault("200")
    int bulkheadQueue();

    /** Circuit breaker: calls in the rolling window. */
    @WithDefault("20")
    int circuitRequestVolume();

    /** Circuit breaker: failure ratio that opens it. */
    @WithDefault("0.5")
    double circuitFailureRatio();

    /** Circuit breaker: how long it stays open. */
    @WithDefault("10S")
    Duration circuitDelay();

    /** Retries of idempotent requests after a connect error or a 5xx. */
    @WithDefault("2")
    int maxRetries();

    /** Pause between retries. */
    @WithDefault("20MS")
    Duration retryDelay();

    /** How long a failed instance is skipped (passive health). */
    @WithDefault("10S")
    Duration ejectFor();

    /** Connection pool size per upstream instance and event loop. */
    @WithDefault("100")
    int poolSize();

    /**
     * How long an upstream connection may stay idle before the gateway closes it (whole seconds).
     * Must be shorter than the services' own idle timeout ({@code quarkus.http.idle-timeout}, 30
     * min): then an upstream never closes an idle connection while the gateway writes on it.
     */
    @WithDefault("15S")
    Duration keepAliveTimeout();
  }

  /** DNS discovery of upstream instances. */
  interface Discovery {
    /**
     * Whether each upstream URL's host is resolved to all its addresses, one instance each (the
     * chart points the gateway at headless Services); otherwise each URL is one instance.
     */
    @WithDefault("false")
    boolean enabled();

    /** How often the host names are resolved again (the JVM's DNS cache TTL must not exceed it). */
    @WithDefault("5S")
    Duration refresh();
  }

  /** Aggregated API docs settings. */
  interface Docs {
    /** How long the merged document is cached. */
    @WithDefault("30S")
    Duration cacheTtl();

    /** Path of each service's OpenAPI document. */
    @WithName("upstream-path")
    @WithDefault("/q/openapi?format=json")
    String upstreamPath();

    /** Public base URL written into the merged document's {@code servers}. */
    Optional<String> publicUrl();
  }
}
