package dev.tessera.servers;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The few calls of the Kafka Connect REST API that tests and the launcher need. */
final class ConnectRestClient {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final HttpClient HTTP =
      HttpClient.newBuilder()
          .version(HttpClient.Version.HTTP_1_1)
          .connectTimeout(Duration.ofSeconds(5))
          .build();
  private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(90);
  // A worker that is rebalancing answers 409 for a moment; that is no failure.
  private static final Duration CONFLICT_RETRY = Duration.ofSeconds(30);

  private final String restUrl;

  ConnectRestClient(String restUrl) {
    this.restUrl = restUrl.endsWith("/") ? restUrl.substring(0, restUrl.length() - 1) : restUrl;
  }

  void createOrUpdate(String name, Map<String, String> config) {
    String connectorClass = config.get("connector.class");
    if (connectorClass == null) {
      throw new ConnectorException("connector " + name + ": config has no connector.class");
    }
    Map<String, String> withName = new LinkedHashMap<>(config);
    withName.put("name", name);
    // Kafka 4.1's herder reports an invalid config as a NullPointerException; the validate
    // endpoint names the fields that are wrong.
    HttpResponse<String> validation =
        send(
            "PUT",
            "/connector-plugins/" + encode(connectorClass) + "/config/validate",
            toJson(withName));
    requireSuccess(validation, "validate connector " + name);
    List<String> errors = validationErrors(readTree(validation.body()));
    if (!errors.isEmpty()) {
      throw new ConnectorException(
          "connector " + name + " has an invalid config:\n  " + String.join("\n  ", errors));
    }
    HttpResponse<String> response =
        sendRetryingConflicts("PUT", "/connectors/" + encode(name) + "/config", toJson(withName));
    requireSuccess(response, "create or update connector " + name);
  }

  void awaitRunning(String name, Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    String last = "no status yet";
    while (System.nanoTime() < deadline) {
      HttpResponse<String> response = send("GET", "/connectors/" + encode(name) + "/status", null);
      if (response.statusCode() == 200) {
        JsonNode status = readTree(response.body());
        last = response.body();
        String failure = failure(status);
        if (failure != null) {
          throw new ConnectorException("connector " + name + " failed:\n" + failure);
        }
        if (isRunning(status)) {
          return;
        }
      } else if (response.statusCode() != 404) {
        last = response.statusCode() + " " + response.body();
      }
      Pause.briefly();
    }
    throw new ConnectorException(
        "connector " + name + " was not RUNNING within " + timeout + "; last status: " + last);
  }

  String status(String name) {
    HttpResponse<String> response = send("GET", "/connectors/" + encode(name) + "/status", null);
    if (response.statusCode() == 404) {
      return null;
    }
    requireSuccess(response, "read status of connector " + name);
    return response.body();
  }

  void delete(String name) {
    HttpResponse<String> response =
        sendRetryingConflicts("DELETE", "/connectors/" + encode(name), null);
    if (response.statusCode() != 404) {
      requireSuccess(response, "delete connector " + name);
    }
  }

  private static boolean isRunning(JsonNode status) {
    JsonNode tasks = status.path("tasks");
    if (!"RUNNING".equals(status.path("connector").path("state").asText()) || tasks.isEmpty()) {
      return false;
    }
    for (JsonNode task : tasks) {
      if (!"RUNNING".equals(task.path("state").asText())) {
        return false;
      }
    }
    return true;
  }

  private static String failure(JsonNode status) {
    JsonNode connector = status.path("connector");
    if ("FAILED".equals(connector.path("state").asText())) {
      return "connector: " + connector.path("trace").asText("(no trace)");
    }
    for (JsonNode task : status.path("tasks")) {
      if ("FAILED".equals(task.path("state").asText())) {
        return "task " + task.path("id").asText() + ": " + task.path("trace").asText("(no trace)");
      }
    }
    return null;
  }

  private static List<String> validationErrors(JsonNode validation) {
    List<String> errors = new ArrayList<>();
    if (validation.path("error_count").asInt() == 0) {
      return errors;
    }
    for (JsonNode config : validation.path("configs")) {
      JsonNode value = config.path("value");
      for (JsonNode error : value.path("errors")) {
        errors.add(value.path("name").asText() + ": " + error.asText());
      }
    }
    return errors;
  }

  private HttpResponse<String> sendRetryingConflicts(String method, String path, String body) {
    long deadline = System.nanoTime() + CONFLICT_RETRY.toNanos();
    HttpResponse<String> response = send(method, path, body);
    while (response.statusCode() == 409 && System.nanoTime() < deadline) {
      Pause.briefly();
      response = send(method, path, body);
    }
    return response;
  }

  private HttpResponse<String> send(String method, String path, String body) {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(URI.create(restUrl + path))
            .timeout(REQUEST_TIMEOUT)
            .header("Accept", "application/json");
    if (body == null) {
      request.method(method, HttpRequest.BodyPublishers.noBody());
    } else {
      request
          .header("Content-Type", "application/json")
          .method(method, HttpRequest.BodyPublishers.ofString(body));
    }
    try {
      return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      throw new ConnectorException(method + " " + restUrl + path + " failed", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new ConnectorException(method + " " + restUrl + path + " interrupted", e);
    }
  }

  private void requireSuccess(HttpResponse<String> response, String what) {
    if (response.statusCode() / 100 != 2) {
      throw new ConnectorException(
          "could not "
              + what
              + " at "
              + restUrl
              + ": HTTP "
              + response.statusCode()
              + " "
              + response.body());
    }
  }

  private static String encode(String pathSegment) {
    return URLEncoder.encode(pathSegment, StandardCharsets.UTF_8).replace("+", "%20");
  }

  private static String toJson(Object value) {
    try {
      return JSON.writeValueAsString(value);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException(e);
    }
  }

  private static JsonNode readTree(String body) {
    try {
      return JSON.readTree(body);
    } catch (JsonProcessingException e) {
      throw new ConnectorException("Kafka Connect answered with invalid JSON: " + body, e);
    }
  }
}
