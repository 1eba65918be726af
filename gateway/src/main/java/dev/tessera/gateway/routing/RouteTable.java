package dev.tessera.gateway.routing;

import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * Maps {@code METHOD /api/<service>/**} to its {@link Route}: the service is the first path segment
 * after {@code /api}; the few public routes (sign-up, log-in, refresh, JWKS, catalog) are listed
 * here and nowhere else. They are matched on the path as the upstream resolves it ({@link
 * #normalise}): the services' JAX-RS matching ignores trailing slashes, so {@code
 * /api/identity/tokens/} is the log-in endpoint and must land in the auth group, not the default
 * one with its far larger limit. (Dot segments, duplicate slashes and encoded characters never get
 * here: the gateway refuses them with 400 first.)
 */
public final class RouteTable {

  /** Group of the credential endpoints, limited more strictly than the rest. */
  public static final String AUTH_GROUP = "auth";

  private static final Set<String> AUTH_ROUTES =
      Set.of(
          "POST /api/identity/users",
          "POST /api/identity/tokens",
          "POST /api/identity/tokens/refresh");

  private static final Set<String> PUBLIC_READS =
      Set.of("/api/identity/.well-known/jwks.json", "/api/orders/catalog");

  private final Set<String> services;

  /** A table over the configured {@code services}. */
  public RouteTable(Set<String> services) {
    this.services = Set.copyOf(services);
  }

  /** The route of {@code method path}; empty when no service owns it. */
  public Optional<Route> route(String method, String rawPath) {
    String path = normalise(rawPath);
    if (!path.startsWith("/api/")) {
      return Optional.empty();
    }
    int end = path.indexOf('/', 5);
    String service = end < 0 ? path.substring(5) : path.substring(5, end);
    if (!services.contains(service)) {
      return Optional.empty();
    }
    if (AUTH_ROUTES.contains(method + " " + path)) {
      return Optional.of(new Route(service, AUTH_GROUP, true));
    }
    boolean read = method.equals("GET") || method.equals("HEAD");
    return Optional.of(new Route(service, service, read && PUBLIC_READS.contains(path)));
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
