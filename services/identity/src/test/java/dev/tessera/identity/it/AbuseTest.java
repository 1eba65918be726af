package dev.tessera.identity.it;

import static dev.tessera.identity.it.IdentityApi.PASSWORD;
import static dev.tessera.identity.it.IdentityApi.access;
import static dev.tessera.identity.it.IdentityApi.changePassword;
import static dev.tessera.identity.it.IdentityApi.logIn;
import static dev.tessera.identity.it.IdentityApi.newUser;
import static dev.tessera.identity.it.IdentityApi.randomEmail;
import static dev.tessera.identity.it.IdentityApi.tokens;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.matchesPattern;

import dev.tessera.servers.Restartable;
import dev.tessera.testing.TesseraServers;
import dev.tessera.testing.TesseraTestResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * What an abusive client tries against identity's expensive endpoints (issue 13, findings 2, 4, 5):
 * floods of log-ins, parallel guesses for one address, and password change as a guessing oracle.
 */
@QuarkusTest
@QuarkusTestResource(
    value = TesseraTestResource.class,
    initArgs = @ResourceArg(name = "service", value = "identity"))
class AbuseTest {

  @TestHTTPResource("/api/identity/tokens")
  URI tokensUri;

  private final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

  @Test
  void two_hundred_concurrent_log_ins_get_only_401_429_or_503_and_a_good_log_in_works_after() {
    String good = randomEmail();
    newUser(good);
    // 50 addresses, 4 guesses each, all at once: far more password checks than may run together.
    List<String> addresses = new ArrayList<>();
    for (int i = 0; i < 50; i++) {
      addresses.add(randomEmail());
    }
    List<CompletableFuture<HttpResponse<String>>> answers = new ArrayList<>();
    for (int i = 0; i < 200; i++) {
      answers.add(logInAsync(addresses.get(i % 50), "Wrong-Guess-" + i + "-x"));
    }
    Map<Integer, Long> statuses =
        answers.stream()
            .map(CompletableFuture::join)
            .collect(
                Collectors.groupingBy(
                    HttpResponse::statusCode, TreeMap::new, Collectors.counting()));

    // The figure docs/security.md quotes: how the flood was answered.
    System.out.println("200 concurrent log-ins answered " + statuses);
    assertThat(statuses.keySet()).as("statuses %s", statuses).isSubsetOf(401, 429, 503);
    assertThat(statuses.getOrDefault(401, 0L)).as("statuses %s", statuses).isPositive();
    answers.stream()
        .map(CompletableFuture::join)
        .filter(r -> r.statusCode() == 503)
        .forEach(r -> assertThat(r.headers().firstValue("Retry-After")).isPresent());
    given().get("/q/health/live").then().statusCode(200);
    logIn(good, PASSWORD).then().statusCode(200);
    // Identity, its test client and the servers' clients share this 256 MiB heap.
    System.gc();
    Runtime heap = Runtime.getRuntime();
    System.out.printf(
        "heap in use after the flood and a GC: %d MiB of %d MiB%n",
        (heap.totalMemory() - heap.freeMemory()) >> 20, heap.maxMemory() >> 20);
  }

  @Test
  void twenty_parallel_wrong_passwords_for_one_address_get_at_most_ten_401() {
    String email = randomEmail();
    newUser(email);
    List<CompletableFuture<HttpResponse<String>>> answers = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      answers.add(logInAsync(email, "Wrong-Guess-" + i + "-x"));
    }
    Map<Integer, Long> statuses =
        answers.stream()
            .map(CompletableFuture::join)
            .collect(
                Collectors.groupingBy(
                    HttpResponse::statusCode, TreeMap::new, Collectors.counting()));

    assertThat(statuses.keySet()).as("statuses %s", statuses).isSubsetOf(401, 429, 503);
    long judged = statuses.getOrDefault(401, 0L);
    assertThat(judged).as("statuses %s", statuses).isBetween(1L, 10L);
    // A guess the hashing pool refused (503, overloaded) was never judged and counts for nothing:
    // guess on, one at a time, until ten wrong passwords were judged; the next one is refused.
    for (int i = 0; judged < 10; i++) {
      int status = logIn(email, "Wrong-Again-" + i + "-x").statusCode();
      assertThat(status).as("guess %d after %d judged", i, judged).isIn(401, 503);
      judged += status == 401 ? 1 : 0;
      assertThat(i).as("40 guesses one at a time, and not ten judged yet").isLessThan(40);
    }
    // The address is throttled now, even for the right password.
    logIn(email, PASSWORD).then().statusCode(429);
  }

  @Test
  void password_change_with_wrong_current_passwords_is_throttled_like_log_in() {
    String email = randomEmail();
    newUser(email);
    String token = access(tokens(email, PASSWORD));
    for (int i = 0; i < 10; i++) {
      changePassword(token, "Wrong-Current-" + i + "-x", "Brand-New-Secret-7")
          .then()
          .statusCode(400);
    }
    // The eleventh try is refused before the password is looked at: it tells nothing.
    changePassword(token, PASSWORD, "Brand-New-Secret-7")
        .then()
        .statusCode(429)
        .contentType("application/problem+json")
        .header("Retry-After", matchesPattern("[1-9][0-9]*"))
        .body("type", equalTo("https://tessera.dev/problems/too-many-login-attempts"));
    logIn(email, PASSWORD).then().statusCode(429);
  }

  @Test
  void with_redis_gone_a_log_in_is_refused_with_503_not_let_through_unthrottled() {
    String email = randomEmail();
    newUser(email);
    Restartable redis = TesseraServers.restartable(TesseraServers.shared().redis());
    redis.stop();
    try {
      // The throttle cannot count the attempt, so no password is checked: right or wrong, 503.
      logIn(email, PASSWORD)
          .then()
          .statusCode(503)
          .header("Retry-After", matchesPattern("[1-9][0-9]*"));
      logIn(email, "Wrong-Guess-x").then().statusCode(503);
    } finally {
      redis.start();
    }
    await()
        .atMost(Duration.ofSeconds(60))
        .untilAsserted(() -> logIn(email, PASSWORD).then().statusCode(200));
  }

  private CompletableFuture<HttpResponse<String>> logInAsync(String email, String password) {
    HttpRequest request =
        HttpRequest.newBuilder(tokensUri)
            .timeout(Duration.ofSeconds(120))
            .header("Content-Type", "application/json")
            .POST(
                HttpRequest.BodyPublishers.ofString(
                    "{\"email\":\"" + email + "\",\"password\":\"" + password + "\"}"))
            .build();
    return http.sendAsync(request, HttpResponse.BodyHandlers.ofString());
  }
}
