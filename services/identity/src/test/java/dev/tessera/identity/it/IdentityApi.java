package dev.tessera.identity.it;

import static io.restassured.RestAssured.given;

import io.restassured.http.ContentType;
import io.restassured.response.Response;
import java.util.Map;
import java.util.UUID;

/** A client of the identity API for the tests, with random data per test. */
final class IdentityApi {

  static final String ADMIN_EMAIL = "admin@tessera.test";
  static final String ADMIN_PASSWORD = "Tessera-Root-Test-1";
  static final String PASSWORD = "Correct-Horse-42";

  private IdentityApi() {}

  static String randomEmail() {
    return "user-" + UUID.randomUUID() + "@example.com";
  }

  static Response signUp(String email, String password, String displayName) {
    return given()
        .contentType(ContentType.JSON)
        .body(map("email", email, "password", password, "displayName", displayName))
        .post("/api/identity/users");
  }

  /** Signs up a fresh user and returns its id. */
  static String newUser(String email) {
    return signUp(email, PASSWORD, "Ada Lovelace").then().statusCode(201).extract().path("id");
  }

  static Response logIn(String email, String password) {
    return given()
        .contentType(ContentType.JSON)
        .body(map("email", email, "password", password))
        .post("/api/identity/tokens");
  }

  /** Logs in and returns {accessToken, refreshToken, ...}. */
  static Map<String, Object> tokens(String email, String password) {
    return logIn(email, password).then().statusCode(200).extract().jsonPath().getMap("");
  }

  static Response refresh(String refreshToken) {
    return given()
        .contentType(ContentType.JSON)
        .body(map("refreshToken", refreshToken))
        .post("/api/identity/tokens/refresh");
  }

  static Response me(String accessToken) {
    return given().auth().oauth2(accessToken).get("/api/identity/users/me");
  }

  static Response logOut(String accessToken) {
    return given().auth().oauth2(accessToken).delete("/api/identity/tokens/current");
  }

  static Response changePassword(String accessToken, String current, String next) {
    return given()
        .auth()
        .oauth2(accessToken)
        .contentType(ContentType.JSON)
        .body(map("currentPassword", current, "newPassword", next))
        .put("/api/identity/users/me/password");
  }

  static Response suspend(String accessToken, String userId, String reason) {
    return given()
        .auth()
        .oauth2(accessToken)
        .contentType(ContentType.JSON)
        .body(map("reason", reason))
        .post("/api/identity/users/" + userId + "/suspension");
  }

  static Response reinstate(String accessToken, String userId) {
    return given()
        .auth()
        .oauth2(accessToken)
        .delete("/api/identity/users/" + userId + "/suspension");
  }

  static String access(Map<String, Object> tokens) {
    return (String) tokens.get("accessToken");
  }

  static String refreshOf(Map<String, Object> tokens) {
    return (String) tokens.get("refreshToken");
  }

  /** A map that keeps {@code null} values (Map.of refuses them), to send explicit nulls. */
  static Map<String, Object> map(Object... keysAndValues) {
    Map<String, Object> map = new java.util.LinkedHashMap<>();
    for (int i = 0; i < keysAndValues.length; i += 2) {
      map.put((String) keysAndValues[i], keysAndValues[i + 1]);
    }
    return map;
  }
}
