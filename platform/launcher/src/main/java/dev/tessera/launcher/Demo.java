package dev.tessera.launcher;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * {@code ./tessera demo}: seeds demo users and orders through the gateway's public API, exactly as
 * a client would, so a fresh system has something to look at.
 */
final class Demo {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final List<String> USERS = List.of("ada", "grace", "linus");

  private final HttpClient http = HttpClient.newHttpClient();
  private final String gateway;
  private final PrintStream out;

  Demo(String gateway, PrintStream out) {
    this.gateway = gateway;
    this.out = out;
  }

  void run() {
    JsonNode catalog = call("GET", "/api/orders/catalog", null, null, null);
    List<String> skus = catalog.findValuesAsText("sku");
    if (skus.isEmpty()) {
      throw new IllegalStateException("the catalog is empty");
    }
    for (String name : USERS) {
      String email = name + "@demo.tessera.local";
      // Identity refuses passwords that contain the e-mail address, so none repeats the name.
      String password = "Tessera-demo-password-2026";
      JsonNode signUp =
          callAllowing(
              409,
              "/api/identity/users",
              Map.of("email", email, "password", password, "displayName", capitalize(name)));
      JsonNode tokens =
          call(
              "POST",
              "/api/identity/tokens",
              null,
              Map.of("email", email, "password", password),
              null);
      String token = tokens.get("accessToken").asText();
      for (int i = 0; i < 2; i++) {
        String sku = skus.get((USERS.indexOf(name) + i) % skus.size());
        JsonNode order =
            call(
                "POST",
                "/api/orders",
                token,
                Map.of("items", List.of(Map.of("sku", sku, "quantity", i + 1))),
                UUID.randomUUID());
        out.printf(
            "  %s ordered %d × %s → order %s%n", email, i + 1, sku, order.get("id").asText());
      }
      out.printf("  user %s / %s%s%n", email, password, signUp == null ? " (already there)" : "");
    }
  }

  private JsonNode callAllowing(int tolerated, String path, Object body) {
    try {
      return call("POST", path, null, body, null);
    } catch (DemoCallFailed e) {
      if (e.status == tolerated) {
        return null;
      }
      throw e;
    }
  }

  private JsonNode call(String method, String path, String token, Object body, UUID key) {
    try {
      HttpRequest.Builder request =
          HttpRequest.newBuilder(URI.create(gateway + path))
              .timeout(Duration.ofSeconds(15))
              .header("Content-Type", "application/json")
              .method(
                  method,
                  body == null
                      ? HttpRequest.BodyPublishers.noBody()
                      : HttpRequest.BodyPublishers.ofByteArray(JSON.writeValueAsBytes(body)));
      if (token != null) {
        request.header("Authorization", "Bearer " + token);
      }
      if (key != null) {
        request.header("Idempotency-Key", key.toString());
      }
      HttpResponse<String> response =
          http.send(request.build(), HttpResponse.BodyHandlers.ofString());
      if (response.statusCode() >= 300) {
        throw new DemoCallFailed(method + " " + path, response.statusCode(), response.body());
      }
      return JSON.readTree(response.body());
    } catch (IOException e) {
      throw new IllegalStateException("gateway unreachable at " + gateway + ": " + e.getMessage());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  private static String capitalize(String name) {
    return Character.toUpperCase(name.charAt(0)) + name.substring(1);
  }

  private static final class DemoCallFailed extends IllegalStateException {
    final int status;

    DemoCallFailed(String call, int status, String body) {
      super(call + " answered " + status + ": " + body);
      this.status = status;
    }
  }
}
