package dev.tessera.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tessera.launcher.Services;
import dev.tessera.launcher.TesseraSystem;
import dev.tessera.servers.FreePorts;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.IntFunction;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * The gateway against abusive clients, through the real whole system: a route group's limit that a
 * trailing slash must not step around, revocation that holds on the very next request, and request
 * smuggling. (What needs fakes — forged-token floods, slow bodies, untrusted proxies, lost
 * subscriptions, tokens at exp + skew — is in the gateway module's tests.)
 */
class GatewaySecurityIT {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final List<String> PROTECTED_ROUTES =
      List.of(
          "/api/identity/users/me",
          "/api/orders?limit=1",
          "/api/billing/account",
          "/api/notifications");

  private final TesseraSystem system = WholeSystem.get();
  private final GatewayClient gateway = WholeSystem.gateway();

  /**
   * A loopback address of this test's own: the gateway keys anonymous limits by client address, and
   * every other test connects from 127.0.0.1.
   */
  private static String ownAddress() {
    ThreadLocalRandom random = ThreadLocalRandom.current();
    return "127."
        + (1 + random.nextInt(250))
        + "."
        + random.nextInt(256)
        + "."
        + (2 + random.nextInt(250));
  }

  @Test
  void trailing_slash_variants_of_the_auth_endpoints_are_held_to_the_auth_groups_10()
      throws Exception {
    String from = ownAddress();
    String[] paths = {
      "/api/identity/tokens/", "/api/identity/users/", "/api/identity/tokens/refresh/",
    };
    // All at once: the group refills one token a second, so requests sent one by one would earn
    // more than its 10 while the first are hashed (at most two more while these are sent).
    int sent = 15;
    ExecutorService pool = Executors.newFixedThreadPool(sent);
    List<String> answers = new ArrayList<>();
    try {
      List<Future<String>> pending = new ArrayList<>();
      for (int i = 0; i < sent; i++) {
        String body =
            JSON.writeValueAsString(
                Map.of(
                    "email",
                    "slash-" + UUID.randomUUID() + "@example.com",
                    "password",
                    "not-the-password-" + i,
                    "displayName",
                    "Slash",
                    "refreshToken",
                    "not-a-refresh-token"));
        String request = post(paths[i % paths.length], body);
        pending.add(pool.submit(() -> raw(from, request, 2_000)));
      }
      for (Future<String> answer : pending) {
        answers.add(answer.get(2, TimeUnit.MINUTES));
      }
    } finally {
      pool.shutdownNow();
    }
    for (String answer : answers) {
      // The auth group's limit, not the default group's 100.
      assertThat(header(answer, "RateLimit-Limit")).as(answer).isEqualTo("10");
    }
    List<String> refused =
        answers.stream().filter(answer -> status(answer) == 429).collect(Collectors.toList());
    assertThat(refused)
        .as("answers: %s", answers.stream().map(GatewaySecurityIT::firstLine).toList())
        .hasSizeBetween(sent - 12, sent - 10);
    assertThat(refused)
        .allMatch(answer -> answer.contains("https://tessera.dev/problems/rate-limited"));
  }

  @Test
  void a_logged_out_token_is_refused_on_the_very_next_request_on_every_route() {
    GatewayClient.Session session = gateway.signUpAndLogIn("Logged out");
    for (String route : PROTECTED_ROUTES) {
      assertThat(gateway.get(route, session.accessToken()).status()).as(route).isEqualTo(200);
    }
    assertThat(gateway.delete("/api/identity/tokens/current", session.accessToken()).status())
        .isEqualTo(204);
    for (String route : PROTECTED_ROUTES) {
      assertThat(gateway.get(route, session.accessToken()).status()).as(route).isEqualTo(401);
    }
  }

  @Test
  void a_second_gateway_refuses_a_logged_out_token_on_its_very_next_request() throws Exception {
    GatewayClient.Session session = gateway.signUpAndLogIn("Two gateways");
    assumeTrue(
        claims(session.accessToken()).has("sid"),
        "identity does not issue the sid claim (nor announce revocations) yet");
    try (SecondGateway second = SecondGateway.start(system)) {
      GatewayClient other = new GatewayClient(second.url());
      // Both gateways have now cached "not revoked" for this token.
      for (String route : PROTECTED_ROUTES) {
        assertThat(gateway.get(route, session.accessToken()).status()).isEqualTo(200);
        assertThat(other.get(route, session.accessToken()).status()).isEqualTo(200);
      }
      assertThat(gateway.delete("/api/identity/tokens/current", session.accessToken()).status())
          .isEqualTo(204);
      for (String route : PROTECTED_ROUTES) {
        assertThat(other.get(route, session.accessToken()).status()).as(route).isEqualTo(401);
      }
    }
  }

  @Test
  void a_logged_out_token_stays_refused_after_redis_is_killed_and_restarted() throws Exception {
    GatewayClient.Session session = gateway.signUpAndLogIn("Redis restart");
    assertThat(gateway.delete("/api/identity/tokens/current", session.accessToken()).status())
        .isEqualTo(204);
    try {
      system.servers().redis().kill();
      system.servers().redis().start();
      // A gateway started after the restart remembers nothing: only Redis can refuse the token.
      try (SecondGateway fresh = SecondGateway.start(system)) {
        assertRefusedOnEveryRoute(new GatewayClient(fresh.url()), session.accessToken());
      }
      assertRefusedOnEveryRoute(gateway, session.accessToken());
    } finally {
      Faults.restoreEverything(system);
    }
  }

  @Test
  void a_logged_out_token_stays_refused_after_redis_loses_all_its_data() throws Exception {
    GatewayClient.Session session = gateway.signUpAndLogIn("Redis flushed");
    assertThat(gateway.delete("/api/identity/tokens/current", session.accessToken()).status())
        .isEqualTo(204);
    // A Redis that comes back empty (a new pod without its volume): identity re-seeds it from its
    // database; until then tokens are refused with 503, never accepted.
    redisCommand("FLUSHALL");
    try (SecondGateway fresh = SecondGateway.start(system)) {
      GatewayClient other = new GatewayClient(fresh.url());
      await()
          .atMost(Duration.ofSeconds(60))
          .untilAsserted(
              () -> {
                for (String route : PROTECTED_ROUTES) {
                  assertThat(other.get(route, session.accessToken()).status())
                      .as(route)
                      .isEqualTo(401);
                }
              });
      GatewayClient.Session after = other.signUpAndLogIn("After the flush");
      assertThat(other.get("/api/identity/users/me", after.accessToken()).status()).isEqualTo(200);
    }
  }

  /** Polls until the gateway answers again after a Redis outage, then expects 401 everywhere. */
  private static void assertRefusedOnEveryRoute(GatewayClient client, String revoked) {
    await()
        .atMost(Duration.ofSeconds(60))
        .untilAsserted(
            () -> {
              GatewayClient.Session probe = client.signUpAndLogIn("Probe");
              assertThat(client.get("/api/identity/users/me", probe.accessToken()).status())
                  .isEqualTo(200);
            });
    for (String route : PROTECTED_ROUTES) {
      assertThat(client.get(route, revoked).status()).as(route).isEqualTo(401);
    }
  }

  /** One command to the local Redis (no password locally), in RESP; the reply's first line. */
  private String redisCommand(String... words) throws IOException {
    URI uri = URI.create(system.servers().redis().uri());
    try (Socket socket = new Socket(uri.getHost(), uri.getPort())) {
      StringBuilder resp = new StringBuilder("*" + words.length + "\r\n");
      for (String word : words) {
        resp.append('$').append(word.length()).append("\r\n").append(word).append("\r\n");
      }
      socket.getOutputStream().write(resp.toString().getBytes(StandardCharsets.US_ASCII));
      socket.getOutputStream().flush();
      InputStream in = socket.getInputStream();
      ByteArrayOutputStream line = new ByteArrayOutputStream();
      for (int b = in.read(); b != -1 && b != '\n'; b = in.read()) {
        line.write(b);
      }
      String reply = line.toString(StandardCharsets.US_ASCII).trim();
      assertThat(reply).as(String.join(" ", words)).startsWith("+");
      return reply;
    }
  }

  @Test
  void content_length_with_transfer_encoding_is_refused_with_400() throws Exception {
    String answer =
        raw(
            "127.0.0.1",
            "POST /api/identity/tokens HTTP/1.1\r\nHost: gateway\r\n"
                + "Content-Type: application/json\r\nContent-Length: 4\r\n"
                + "Transfer-Encoding: chunked\r\n\r\n0\r\n\r\n"
                + "GET /api/orders/catalog HTTP/1.1\r\nHost: gateway\r\n\r\n",
            2_000);
    assertThat(status(answer)).as(answer).isEqualTo(400);
    assertThat(answer).doesNotContain("HTTP/1.1 200");
  }

  @Test
  void two_different_content_lengths_are_refused_with_400() throws Exception {
    String answer =
        raw(
            "127.0.0.1",
            "POST /api/identity/tokens HTTP/1.1\r\n"
                + "Host: gateway\r\n"
                + "Content-Type: application/json\r\n"
                + "Content-Length: 2\r\n"
                + "Content-Length: 40\r\n\r\n"
                + "{}GET /api/orders/catalog HTTP/1.1\r\n\r\n",
            2_000);
    assertThat(status(answer)).as(answer).isEqualTo(400);
    assertThat(answer).doesNotContain("HTTP/1.1 200");
  }

  @Test
  void a_hundred_nul_byte_log_ins_are_400s_and_a_good_log_in_works_right_after() throws Exception {
    GatewayClient.Session user = gateway.signUpAndLogIn("After NUL bytes");
    String nul = "{\"email\":\"a\\u0000@b.io\",\"password\":\"x\"}";
    // 25 addresses, 4 log-ins each: under the auth group's 10 per address, so only the input
    // decides the answer.
    List<Integer> statuses = logInsFrom(25, 4, i -> nul);
    assertThat(statuses).hasSize(100).containsOnly(400);
    GatewayClient.Response logIn = logIn(user.email(), user.password());
    assertThat(logIn.status()).as("%s", logIn).isEqualTo(200);
  }

  @Test
  void two_hundred_concurrent_log_ins_from_fifty_addresses_leave_identity_serving()
      throws Exception {
    GatewayClient.Session victim = gateway.signUpAndLogIn("Flooded");
    GatewayClient.Session bystander = gateway.signUpAndLogIn("Bystander");
    // Half guess the victim's password, half try e-mails nobody has: both cost a password hash.
    List<Integer> statuses =
        logInsFrom(
            50,
            4,
            i ->
                logInBody(
                    i % 2 == 0 ? victim.email() : "nobody-" + UUID.randomUUID() + "@example.com",
                    "wrong-password-" + i));
    assertThat(statuses).hasSize(200).containsAnyOf(401, 503).isSubsetOf(401, 429, 503);
    await("a good log-in once the flood is over")
        .atMost(Duration.ofSeconds(60))
        .untilAsserted(
            () ->
                assertThat(logIn(bystander.email(), bystander.password()).status()).isEqualTo(200));
  }

  @Test
  void twenty_parallel_wrong_passwords_for_one_email_give_at_most_ten_401s() throws Exception {
    GatewayClient.Session user = gateway.signUpAndLogIn("Guessed");
    List<Integer> statuses = logInsFrom(20, 1, i -> logInBody(user.email(), "wrong-password-" + i));
    assertThat(statuses).hasSize(20).isSubsetOf(401, 429, 503);
    assertThat(statuses.stream().filter(s -> s == 401).count()).isBetween(1L, 10L);
  }

  /**
   * {@code perAddress} log-ins from each of {@code addresses} loopback addresses of this test's
   * own, all at once; their statuses.
   */
  private List<Integer> logInsFrom(int addresses, int perAddress, IntFunction<String> body)
      throws Exception {
    List<String> from = new ArrayList<>();
    for (int a = 0; a < addresses; a++) {
      from.add(ownAddress());
    }
    int total = addresses * perAddress;
    ExecutorService pool = Executors.newFixedThreadPool(total);
    try {
      List<Future<Integer>> answers = new ArrayList<>();
      for (int i = 0; i < total; i++) {
        String address = from.get(i % addresses);
        String request = post("/api/identity/tokens", body.apply(i));
        answers.add(pool.submit(() -> status(raw(address, request, 2_000))));
      }
      List<Integer> statuses = new ArrayList<>();
      for (Future<Integer> answer : answers) {
        statuses.add(answer.get(2, TimeUnit.MINUTES));
      }
      return statuses;
    } finally {
      pool.shutdownNow();
    }
  }

  private GatewayClient.Response logIn(String email, String password) {
    return gateway.post("/api/identity/tokens", null, Map.of("email", email, "password", password));
  }

  private static String logInBody(String email, String password) {
    try {
      return JSON.writeValueAsString(Map.of("email", email, "password", password));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static String post(String path, String json) {
    byte[] body = json.getBytes(StandardCharsets.UTF_8);
    return "POST "
        + path
        + " HTTP/1.1\r\nHost: gateway\r\nContent-Type: application/json\r\nContent-Length: "
        + body.length
        + "\r\nConnection: close\r\n\r\n"
        + json;
  }

  /** Sends {@code request} as written, from {@code localAddress}; what came back. */
  private String raw(String localAddress, String request, int quietMillis) throws IOException {
    int port = URI.create(system.gatewayUrl()).getPort();
    try (Socket socket = new Socket()) {
      socket.bind(new InetSocketAddress(InetAddress.getByName(localAddress), 0));
      socket.connect(new InetSocketAddress("127.0.0.1", port), 5_000);
      socket.setSoTimeout(15_000);
      socket.getOutputStream().write(request.getBytes(StandardCharsets.UTF_8));
      socket.getOutputStream().flush();
      InputStream in = socket.getInputStream();
      ByteArrayOutputStream seen = new ByteArrayOutputStream();
      byte[] buffer = new byte[8192];
      try {
        for (int n; (n = in.read(buffer)) >= 0; ) {
          seen.write(buffer, 0, n);
          socket.setSoTimeout(quietMillis);
        }
      } catch (SocketTimeoutException | SocketException e) {
        // Quiet, or reset, after the answer: what arrived is the answer.
      }
      return seen.toString(StandardCharsets.UTF_8);
    }
  }

  private static String firstLine(String answer) {
    int end = answer.indexOf('\r');
    return end < 0 ? answer : answer.substring(0, end);
  }

  private static int status(String answer) {
    return answer.startsWith("HTTP/1.1 ") ? Integer.parseInt(answer.substring(9, 12)) : -1;
  }

  private static String header(String answer, String name) {
    for (String line : answer.split("\r\n")) {
      int colon = line.indexOf(':');
      if (colon > 0 && line.substring(0, colon).equalsIgnoreCase(name)) {
        return line.substring(colon + 1).trim();
      }
      if (line.isEmpty()) {
        break;
      }
    }
    return null;
  }

  private static JsonNode claims(String token) {
    try {
      return JSON.readTree(Base64.getUrlDecoder().decode(token.split("\\.")[1]));
    } catch (IOException e) {
      throw new IllegalArgumentException(e);
    }
  }

  /**
   * One more gateway process on the same Redis and upstreams, configured as the launcher configures
   * its own (the launcher runs one gateway).
   */
  private static final class SecondGateway implements AutoCloseable {
    private final Process process;
    private final String url;

    private SecondGateway(Process process, String url) {
      this.process = process;
      this.url = url;
    }

    String url() {
      return url;
    }

    static SecondGateway start(TesseraSystem system) throws Exception {
      int port = FreePorts.next();
      Path repository = system.options().repository();
      String identity = system.instances("identity").get(0).url();
      List<String> command = new ArrayList<>();
      command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
      command.addAll(List.of("-Xmx256m", "-XX:+UseSerialGC"));
      command.add("-Dquarkus.http.port=" + port);
      command.add("-Dquarkus.http.host=127.0.0.1");
      command.add("-Dquarkus.redis.hosts=" + system.servers().redis().uri());
      command.add("-Dquarkus.otel.sdk.disabled=true");
      command.add("-Dtessera.gateway.jwks-url=" + identity + "/api/identity/.well-known/jwks.json");
      // The route table as the launcher gives it to its own gateway (services' descriptors).
      system.services().gatewayRoutes().forEach((k, v) -> command.add("-D" + k + "=" + v));
      for (Services.Service service : system.services().domain()) {
        command.add(
            "-Dtessera.gateway.upstreams."
                + service.name()
                + "="
                + system.instances(service.name()).stream()
                    .map(p -> p.url())
                    .collect(Collectors.joining(",")));
      }
      command.add("-jar");
      command.add(Services.GATEWAY.runner(repository).toString());
      Path log = Path.of("target", "second-gateway.log").toAbsolutePath();
      Process process =
          new ProcessBuilder(command)
              .redirectErrorStream(true)
              .redirectOutput(log.toFile())
              .start();
      SecondGateway gateway = new SecondGateway(process, "http://127.0.0.1:" + port);
      HttpClient http = HttpClient.newHttpClient();
      long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
      while (System.nanoTime() < deadline) {
        try {
          int status =
              http.send(
                      HttpRequest.newBuilder(URI.create(gateway.url + "/q/health/ready")).build(),
                      HttpResponse.BodyHandlers.discarding())
                  .statusCode();
          if (status == 200) {
            return gateway;
          }
        } catch (IOException e) {
          // not listening yet
        }
        if (!process.isAlive()) {
          break;
        }
        process.waitFor(200, java.util.concurrent.TimeUnit.MILLISECONDS);
      }
      gateway.close();
      throw new IllegalStateException("the second gateway did not get ready; see " + log);
    }

    @Override
    public void close() throws InterruptedException {
      process.destroy();
      if (!process.waitFor(20, java.util.concurrent.TimeUnit.SECONDS)) {
        process.destroyForcibly().waitFor();
      }
    }
  }
}
