package dev.tessera.testing;

import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;

import io.restassured.response.ValidatableResponse;

/**
 * What the edge every service shares (platform/web) answers, as assertions for the services' tests:
 * one place that knows the problem types and the outage's {@code Retry-After}.
 */
public final class ProblemAnswers {

  private static final String TYPES = "https://tessera.dev/problems/";

  private ProblemAnswers() {}

  /** A {@code 400 validation} problem naming {@code field}. */
  public static ValidatableResponse expectInvalid(ValidatableResponse response, String field) {
    return response
        .statusCode(400)
        .contentType("application/problem+json")
        .body("type", equalTo(TYPES + "validation"))
        .body("errors.field", hasItem(field));
  }

  /** A {@code 503 unavailable} problem with {@code Retry-After}: a dependency is down. */
  public static ValidatableResponse expectUnavailable(ValidatableResponse response) {
    return response
        .statusCode(503)
        .contentType("application/problem+json")
        .header("Retry-After", "5")
        .body("type", equalTo(TYPES + "unavailable"));
  }
}
