package dev.tessera.identity.api;

import dev.tessera.identity.domain.FieldError;
import jakarta.ws.rs.core.Response;
import java.net.URI;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** RFC 9457 problem responses ({@code application/problem+json}). */
public final class Problems {

  public static final String MEDIA_TYPE = "application/problem+json";
  private static final String TYPE_BASE = "https://tessera.dev/problems/";

  private Problems() {}

  /** A problem of type {@code https://tessera.dev/problems/<slug>}. */
  public static Response problem(
      int status, String slug, String title, String detail, String instance) {
    return problem(status, slug, title, detail, instance, null);
  }

  public static Response problem(
      int status,
      String slug,
      String title,
      String detail,
      String instance,
      List<FieldError> errors) {
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("type", URI.create(TYPE_BASE + slug).toString());
    body.put("title", title);
    body.put("status", status);
    body.put("detail", detail);
    if (instance != null) {
      body.put("instance", instance);
    }
    if (errors != null && !errors.isEmpty()) {
      body.put(
          "errors",
          errors.stream().map(e -> Map.of("field", e.field(), "message", e.message())).toList());
    }
    return Response.status(status).type(MEDIA_TYPE).entity(body).build();
  }
}
