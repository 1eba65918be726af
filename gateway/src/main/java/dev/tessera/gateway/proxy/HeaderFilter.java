package dev.tessera.gateway.proxy;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Which headers cross the gateway: hop-by-hop headers (RFC 9110 §7.6.1, plus any named in {@code
 * Connection}) never do, and neither does any header a client could use to claim an identity.
 */
public final class HeaderFilter {

  private static final Set<String> HOP_BY_HOP =
      Set.of(
          "connection",
          "keep-alive",
          "proxy-connection",
          "proxy-authenticate",
          "proxy-authorization",
          "te",
          "trailer",
          "trailers",
          "transfer-encoding",
          "upgrade");

  // Set by the gateway itself (or the HTTP client) for the upstream hop. The trace context too: the
  // gateway's client span injects its own traceparent (continuing the client's trace), and a copy
  // of
  // the client's would reach the service as a second, conflicting value.
  private static final Set<String> REPLACED_ON_REQUEST =
      Set.of(
          "host",
          "content-length",
          "x-forwarded-for",
          "x-forwarded-proto",
          "x-forwarded-host",
          "x-forwarded-port",
          "x-forwarded-prefix",
          "x-real-ip",
          "forwarded",
          "x-request-id",
          "traceparent",
          "tracestate");

  private static final Set<String> IDENTITY_HEADERS =
      Set.of(
          "x-user-id",
          "x-user",
          "x-user-email",
          "x-user-roles",
          "x-forwarded-user",
          "x-forwarded-email",
          "x-forwarded-groups",
          "x-forwarded-access-token",
          "x-remote-user",
          "remote-user",
          "x-principal",
          "x-roles",
          "x-tenant-id");

  private static final List<String> IDENTITY_PREFIXES =
      List.of("x-auth-", "x-authenticated-", "x-user-", "x-tessera-user", "x-jwt-");

  private HeaderFilter() {}

  /** Whether {@code name} is hop-by-hop by itself (without looking at {@code Connection}). */
  public static boolean isHopByHop(String name) {
    String n = name.toLowerCase(Locale.ROOT);
    return HOP_BY_HOP.contains(n) || n.startsWith("proxy-");
  }

  /** Whether a client could use {@code name} to pass itself off as someone. */
  public static boolean isIdentityHeader(String name) {
    String n = name.toLowerCase(Locale.ROOT);
    if (IDENTITY_HEADERS.contains(n)) {
      return true;
    }
    for (String prefix : IDENTITY_PREFIXES) {
      if (n.startsWith(prefix)) {
        return true;
      }
    }
    return false;
  }

  /** The header names listed in the {@code Connection} header values, lower-cased. */
  public static Set<String> connectionTokens(Iterable<Map.Entry<String, String>> headers) {
    Set<String> tokens = new HashSet<>();
    for (Map.Entry<String, String> header : headers) {
      if (header.getKey().equalsIgnoreCase("connection") && header.getValue() != null) {
        for (String token : header.getValue().split(",")) {
          String t = token.trim().toLowerCase(Locale.ROOT);
          if (!t.isEmpty()) {
            tokens.add(t);
          }
        }
      }
    }
    return tokens;
  }

  /** A client's request headers that may go upstream (before the gateway adds its own). */
  public static List<Map.Entry<String, String>> requestHeaders(
      Iterable<Map.Entry<String, String>> headers) {
    Set<String> listed = connectionTokens(headers);
    List<Map.Entry<String, String>> kept = new ArrayList<>();
    for (Map.Entry<String, String> header : headers) {
      String n = header.getKey().toLowerCase(Locale.ROOT);
      if (isHopByHop(n)
          || listed.contains(n)
          || REPLACED_ON_REQUEST.contains(n)
          || isIdentityHeader(n)) {
        continue;
      }
      kept.add(Map.entry(header.getKey(), header.getValue()));
    }
    return kept;
  }

  /** An upstream's response headers that may go back to the client. */
  public static List<Map.Entry<String, String>> responseHeaders(
      Iterable<Map.Entry<String, String>> headers) {
    Set<String> listed = connectionTokens(headers);
    List<Map.Entry<String, String>> kept = new ArrayList<>();
    for (Map.Entry<String, String> header : headers) {
      String n = header.getKey().toLowerCase(Locale.ROOT);
      if (isHopByHop(n) || listed.contains(n)) {
        continue;
      }
      kept.add(Map.entry(header.getKey(), header.getValue()));
    }
    return kept;
  }
}
