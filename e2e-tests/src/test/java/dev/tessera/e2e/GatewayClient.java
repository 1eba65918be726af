package dev.tessera.e2e;

import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicReference;

/** What a client of Tessera sees: JSON over HTTP through the gateway, nothing else. */
final class GatewayClient {

  private static final ObjectMapper JSON = new ObjectMapper();

  /**
   * Longest wait for the auth rate limit's bucket (ten per client address, one more a second): a
   * test that signs up users from several threads at once (ShardedOrdersIT: 24 users, 48 credential
   * requests, 4 threads) shares one token a second between them, and a request may lose the race
   * for many seconds in a row (a clean-clone CI run gave up after 30 s).
   */
  private static final Duration RATE_LIMITED = Duration.ofSeconds(120);

  private final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private final String baseUrl;

  GatewayClient(String baseUrl) {
    this.baseUrl = baseUrl;
  }

  /** A response: status, headers and the body as JSON (or null when empty or not JSON). */
  record Response(int status, Map<String, java.util.List<String>> headers, JsonNode body) {
    String header(String name) {
      return headers.entrySet().stream()
          .filter(e -> e.getKey().equalsIgnoreCase(name))
          .map(e -> e.getValue().get(0))
          .findFirst()
          .orElse(null);
    }
  }

  Response get(String path, String token) {
    return send(request(path, token).GET());
  }

  /** A GET that names its request id ({@code X-Request-Id}), as a client tracking a call would. */
  Response getWithRequestId(String path, String token, String requestId) {
    return send(request(path, token).header("X-Request-Id", requestId).GET());
  }

  Response post(String path, String token, Object body) {
    return send(request(path, token).POST(json(body)));
  }

  Response postIdempotent(String path, String token, Object body, UUID key) {
    return send(request(path, token).header("Idempotency-Key", key.toString()).POST(json(body)));
  }

  Response put(String path, String token, Object body) {
    return send(request(path, token).PUT(json(body)));
  }

  Response delete(String path, String token) {
    return send(request(path, token).DELETE());
  }

  /** Signs up a new user with a unique e-mail and logs in; returns the access token. */
  Session signUpAndLogIn(String displayName) {
    String email = "e2e-" + UUID.randomUUID() + "@example.com";
    String password = "e2e-Password-" + UUID.randomUUID();
    Response signUp =
        credentials(
            "/api/identity/users",
            Map.of("email", email, "password", password, "displayName", displayName));
    if (signUp.status() != 201) {
      throw new AssertionError("sign-up failed: " + signUp);
    }
    return logIn(UUID.fromString(signUp.body().get("id").asText()), email, password);
  }

  /** Logs {@code user} in again (after a suspension revoked their tokens, say). */
  Session logIn(Session user) {
    return logIn(user.userId(), user.email(), user.password());
  }

  private Session logIn(UUID userId, String email, String password) {
    Response tokens = logIn(email, password);
    if (tokens.status() != 200) {
      throw new AssertionError("log-in failed: " + tokens);
    }
    return new Session(
        userId,
        email,
        password,
        tokens.body().get("accessToken").asText(),
        tokens.body().get("refreshToken").asText());
  }

  /** {@code POST /api/identity/tokens} with these credentials, as {@link #credentials} sends it. */
  Response logIn(String email, String password) {
    return credentials("/api/identity/tokens", Map.of("email", email, "password", password));
  }

  /**
   * A request to a credential endpoint, sent again after a {@code 429} once its {@code Retry-After}
   * has passed, as a well-behaved client does: the gateway's auth rate limit (ten per client
   * address, one more a second) is shared by every test of this JVM, and one that spends it on
   * purpose (GatewaySecurityIT) must not fail the next. A refused request never reached identity,
   * so sending it again is safe.
   */
  private Response credentials(String path, Map<String, String> body) {
    AtomicReference<Response> answer = new AtomicReference<>();
    await()
        .alias(path + " answered other than 429 (auth rate limit)")
        .atMost(RATE_LIMITED)
        .pollDelay(Duration.ZERO)
        .pollInterval(Duration.ofSeconds(1))
        .until(
            () -> {
              answer.set(post(path, null, body));
              return answer.get().status() != 429;
            });
    return answer.get();
  }

  /**
   * Places an order of one of the catalog's first product, as a client does (the catalog, then a
   * POST with an {@code Idempotency-Key}); returns the order's id, or fails unless it was accepted.
   */
  String placeOrderOfTheFirstProduct(Session session) {
    String sku = items(get("/api/orders/catalog", null).body()).get(0).get("sku").asText();
    Response placed =
        postIdempotent(
            "/api/orders",
            session.accessToken(),
            Map.of("items", java.util.List.of(Map.of("sku", sku, "quantity", 1))),
            UUID.randomUUID());
    if (placed.status() != 201) {
      throw new AssertionError("order not accepted: " + placed);
    }
    return placed.body().get("id").asText();
  }

  /** The elements of a list response: the body itself, or its page's array field. */
  static java.util.List<JsonNode> items(JsonNode body) {
    JsonNode array = body;
    if (body != null && body.isObject()) {
      array = null;
      for (var fields = body.fields(); fields.hasNext(); ) {
        var field = fields.next();
        if (field.getValue().isArray()) {
          array = field.getValue();
          break;
        }
      }
    }
    java.util.List<JsonNode> list = new java.util.ArrayList<>();
    if (array != null) {
      array.forEach(list::add);
    }
    return list;
  }

  /** A signed-up, logged-in user. */
  record Session(
      UUID userId, String email, String password, String accessToken, String refreshToken) {}

  private HttpRequest.Builder request(String path, String token) {
    HttpRequest.Builder builder =
        HttpRequest.newBuilder(URI.create(baseUrl + path))
            .timeout(Duration.ofSeconds(15))
            .header("Accept", "application/json");
    if (token != null) {
      builder.header("Authorization", "Bearer " + token);
    }
    return builder;
  }

  private static HttpRequest.BodyPublisher json(Object body) {
    try {
      return HttpRequest.BodyPublishers.ofByteArray(JSON.writeValueAsBytes(body));
    } catch (IOException e) {
      throw new IllegalArgumentException(e);
    }
  }

  private Response send(HttpRequest.Builder builder) {
    try {
      HttpResponse<String> response =
          http.send(
              builder.header("Content-Type", "application/json").build(),
              HttpResponse.BodyHandlers.ofString());
      JsonNode body = null;
      if (!response.body().isBlank()) {
        try {
          body = JSON.readTree(response.body());
        } catch (IOException notJson) {
          body = JSON.getNodeFactory().textNode(response.body());
        }
      }
      return new Response(response.statusCode(), response.headers().map(), body);
    } catch (IOException e) {
      throw new IllegalStateException("gateway unreachable: " + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
