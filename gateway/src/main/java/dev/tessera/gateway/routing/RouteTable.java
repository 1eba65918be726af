package dev.tessera.gateway.routing;

import java.util.Collection;
import java.util.HashSet;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * Maps {@code METHOD /api/<service>/**} to its {@link Route}: the service is the first path segment
 * after {@code /api}; the few public routes (sign-up, log-in, refresh, JWKS, catalog) are the ones
 * configured ({@code tessera.gateway.routes.*}, which the launcher and the chart take from the
 * services' descriptors, {@code services/<name>/service.yaml}). They are matched on the path as the
 * upstream resolves it ({@link #normalise}): the services' JAX-RS matching ignores trailing
 * slashes, so {@code /api/identity/tokens/} is the log-in endpoint and must land in the auth group,
 * not the default one with its far larger limit. (Dot segments, duplicate slashes and encoded
 * characters never get here: the gateway refuses them with 400 first.)
 */
public final class RouteTable {

  /** Group of the credential endpoints, limited more strictly than the rest. */
  public static final String AUTH_GROUP = "auth";

  private static final Set<String> METHODS =
      Set.of("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE");

  private final Set<String> services;
  private final Set<String> authRoutes;
  private final Set<String> publicReads;

  /**
   * A table over the configured {@code services}.
   *
   * @param publicReads paths whose GET and HEAD pass without a token
   * @param authRoutes credential endpoints, {@code "METHOD /path"}: public, in the {@link
   *     #AUTH_GROUP}
   * @throws IllegalArgumentException if a route is malformed or under no configured service, so a
   *     mistyped route stops the gateway at start instead of leaving an endpoint locked or open
   */
  public RouteTable(
      Set<String> services, Collection<String> publicReads, Collection<String> authRoutes) {
    this.services = Set.copyOf(services);
    Set<String> reads = new HashSet<>();
    for (String path : publicReads) {
      reads.add(owned("tessera.gateway.routes.public-reads", path.strip()));
    }
    Set<String> auth = new HashSet<>();
    for (String route : authRoutes) {
      String[] parts = route.strip().split("\\s+");
      if (parts.length != 2 || !METHODS.contains(parts[0])) {
        throw new IllegalArgumentException(
            "tessera.gateway.routes.auth: '"
                + route
                + "' is not \"METHOD /path\" with METHOD one of "
                + new TreeSet<>(METHODS));
      }
      auth.add(parts[0] + " " + owned("tessera.gateway.routes.auth", parts[1]));
    }
    this.publicReads = Set.copyOf(reads);
    this.authRoutes = Set.copyOf(auth);
  }

  /** {@code path}, normalised, if it lies under a configured service's {@code /api/<service>/}. */
  private String owned(String key, String path) {
    String normalised = normalise(path);
    String service = service(normalised);
    if (service == null
        || !services.contains(service)
        || normalised.length() <= 6 + service.length()) {
      throw new IllegalArgumentException(
          key
              + ": '"
              + path
              + "' is not a path below /api/<service>/ of a configured service"
              + " (tessera.gateway.upstreams: "
              + new TreeSet<>(services)
              + ")");
    }
    return normalised;
  }

  /** The first segment after {@code /api/} of a normalised path; null outside {@code /api/}. */
  private static String service(String path) {
    if (!path.startsWith("/api/")) {
      return null;
    }
    int end = path.indexOf('/', 5);
    return end < 0 ? path.substring(5) : path.substring(5, end);
  }

  /** The route of {@code method path}; empty when no service owns it. */
  public Optional<Route> route(String method, String rawPath) {
    String path = normalise(rawPath);
    String service = service(path);
    if (service == null || !services.contains(service)) {
      return Optional.empty();
    }
    if (authRoutes.contains(method + " " + path)) {
      return Optional.of(new Route(service, AUTH_GROUP, true));
    }
    boolean read = method.equals("GET") || method.equals("HEAD");
    return Optional.of(new Route(service, service, read && publicReads.contains(path)));
  }

  /** Whether {@code method path} is a log-out ({@code DELETE /api/identity/tokens/current}). */
  public static boolean isLogOut(String method, String path) {
    return method.equals("DELETE") && normalise(path).equals("/api/identity/tokens/current");
  }

  /**
   * {@code path} as an endpoint key: trailing slashes dropped and lower case. Case folding groups
   * more paths together than the (case-sensitive) upstream does, which can only put a request in a
   * stricter group, never let it out of one.
   */
  static String normalise(String path) {
    int end = path.length();
    while (end > 1 && path.charAt(end - 1) == '/') {
      end--;
    }
    return path.substring(0, end).toLowerCase(Locale.ROOT);
  }
}
