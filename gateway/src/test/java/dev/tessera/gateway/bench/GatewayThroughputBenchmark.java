package dev.tessera.gateway.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.tessera.gateway.it.FakeServices;
import dev.tessera.gateway.it.GatewayTestResource;
import dev.tessera.gateway.ratelimit.RedisTokenBuckets;
import dev.tessera.gateway.security.Revocations;
import dev.tessera.servers.FreePorts;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.vertx.mutiny.redis.client.RedisAPI;
import io.vertx.mutiny.redis.client.Response;
import jakarta.inject.Inject;
import java.io.IOException;
import java.net.URI;
import java.net.URL;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.ToDoubleFunction;
import org.eclipse.microprofile.config.ConfigProvider;
import org.jose4j.jwt.JwtClaims;
import org.jose4j.jwt.NumericDate;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * What the gateway costs per request: the same cheap authenticated endpoint ({@link BenchUpstream},
 * which verifies the token itself as every Tessera service does) called directly, through the
 * gateway, and through nginx as a plain reverse proxy, all with {@code wrk} on loopback and the
 * same valid bearer token. Through the gateway every request is fully handled: RS256 signature and
 * claims verified, revocation checked (Redis, behind its 1 s cache), a token taken from the user's
 * bucket in the real shared Redis, then the guarded call upstream.
 *
 * <p>Per scenario: warm-up runs until the throughput is steady (JIT), a throughput run ({@code -t2
 * -c32}) and a light-load latency run ({@code -t1 -c2}), interleaved over rounds, median of the
 * rounds reported. Every run must be error-free, served by the upstream, and — through the gateway
 * — admitted by the Redis bucket; otherwise the benchmark fails instead of printing figures.
 *
 * <p>Besides latency and throughput it prints the CPU time per request of each process on the path
 * (this JVM, nginx, Redis, wrk): on a small shared machine that, not the wall clock, says what the
 * gateway costs.
 *
 * <p>Overrides ({@code -D}): {@code tessera.bench.rounds} (3), {@code tessera.bench.seconds} (15),
 * {@code tessera.bench.light-seconds} (10), {@code tessera.bench.warmup-seconds} (10), {@code
 * tessera.bench.connections} (32), {@code tessera.bench.threads} (2).
 *
 * <p>Not part of {@code verify}: {@code ./mvnw -B verify -Pbenchmark -pl gateway -am}.
 */
@QuarkusTest
@QuarkusTestResource(GatewayTestResource.class)
@QuarkusTestResource(value = BenchTestResource.class, restrictToAnnotatedClass = true)
class GatewayThroughputBenchmark {

  private static final String APT_HINT = "apt-get install wrk nginx-light";
  private static final double TARGET_RATIO = 0.40;
  private static final double TARGET_ADDED_P99_MS = 3.0;
  private static final int MAX_WARMUPS = 6;
  private static final ToDoubleFunction<Run> RPS = r -> r.result().requestsPerSecond();
  private static final ToDoubleFunction<Run> P50 = r -> r.result().p50Millis();
  private static final ToDoubleFunction<Run> P99 = r -> r.result().p99Millis();

  private static BenchUpstream upstream;
  private static NginxProxy nginx;

  @TestHTTPResource("/")
  URL gatewayRoot;

  @Inject MeterRegistry registry;
  @Inject RedisAPI redis;

  private final List<String> redisKeys = new ArrayList<>();
  private final long began = System.nanoTime();

  /** One way to reach the endpoint. */
  private enum Scenario {
    DIRECT("direct"),
    GATEWAY("gateway"),
    NGINX("nginx");

    final String label;

    Scenario(String label) {
      this.label = label;
    }
  }

  /** One measured run. */
  private record Run(Scenario scenario, Wrk.Load load, Wrk.Result result, Cpu cpu) {}

  /**
   * CPU time per request, in microseconds, of each process on the path.
   *
   * @param jvm this JVM: the upstream, plus the gateway in the gateway scenario
   * @param nginx nginx's master and workers (nginx scenario only)
   * @param redis the Redis server
   * @param wrk the load generator
   */
  private record Cpu(double jvm, double nginx, double redis, double wrk) {

    double total() {
      return jvm + nginx + redis + wrk;
    }
  }

  @Test
  void gateway_throughput_and_added_latency_against_direct_and_nginx() throws Exception {
    assumeTrue(
        Files.isExecutable(Path.of(Wrk.BINARY)),
        Wrk.BINARY + " is missing; install it: " + APT_HINT);
    assumeTrue(
        Files.isExecutable(Path.of(NginxProxy.BINARY)),
        NginxProxy.BINARY + " is missing; install it: " + APT_HINT);
    int rounds = Integer.getInteger("tessera.bench.rounds", 3);
    int threads = Integer.getInteger("tessera.bench.threads", 2);
    Wrk.Load warmup =
        new Wrk.Load(
            threads,
            Integer.getInteger("tessera.bench.connections", 32),
            Integer.getInteger("tessera.bench.warmup-seconds", 10));
    Wrk.Load heavy =
        new Wrk.Load(
            warmup.threads(),
            warmup.connections(),
            Integer.getInteger("tessera.bench.seconds", 15));
    Wrk.Load light = new Wrk.Load(1, 2, Integer.getInteger("tessera.bench.light-seconds", 10));

    FakeServices services = FakeServices.get();
    FakeServices.awaitReady();
    int upstreamPort =
        URI.create(
                ConfigProvider.getConfig()
                    .getValue(
                        "tessera.gateway.upstreams." + BenchTestResource.SERVICE, String.class))
            .getPort();
    upstream =
        BenchUpstream.start(
            upstreamPort, Runtime.getRuntime().availableProcessors(), services.publicKey());
    int nginxPort = FreePorts.next();
    nginx =
        NginxProxy.start(
            Path.of("target", "tmp", "bench-nginx").toAbsolutePath(), nginxPort, upstreamPort);

    long plannedSeconds =
        3L * (MAX_WARMUPS * warmup.seconds() + (long) rounds * (heavy.seconds() + light.seconds()));
    JwtClaims claims = FakeServices.claims();
    claims.setExpirationTime(
        NumericDate.fromSeconds(Instant.now().getEpochSecond() + 3600 + 2 * plannedSeconds));
    String token = FakeServices.sign(claims, services.signingKey());
    String bucket =
        RedisTokenBuckets.KEY_PREFIX + BenchTestResource.SERVICE + ":user:" + claims.getSubject();
    redisKeys.add(bucket);

    String path = BenchUpstream.PATH;
    String direct = "http://127.0.0.1:" + upstreamPort + path;
    String gateway = "http://127.0.0.1:" + gatewayRoot.getPort() + path;
    String proxied = "http://127.0.0.1:" + nginxPort + path;
    checkTheGatewayDoesItsWork(services, token, direct, gateway, proxied);

    String loadBefore = loadAverage();
    System.out.printf(
        Locale.ROOT,
        "%nGateway benchmark: %d round(s) of %ds under load (%s) and %ds light (%s),"
            + " after %ds warm-up runs per scenario until steady; %d cores, load average %s%n",
        rounds,
        heavy.seconds(),
        heavy.describe(),
        light.seconds(),
        light.describe(),
        warmup.seconds(),
        Runtime.getRuntime().availableProcessors(),
        loadBefore);

    for (Scenario scenario : Scenario.values()) {
      warmUp(scenario, url(scenario, direct, gateway, proxied), token, warmup);
    }
    List<Run> runs = new ArrayList<>();
    for (int round = 1; round <= rounds; round++) {
      for (Wrk.Load load : List.of(heavy, light)) {
        for (Scenario scenario : Scenario.values()) {
          String what = "round " + round + (load == heavy ? ", under load" : ", light load");
          runs.add(
              measure(
                  scenario, url(scenario, direct, gateway, proxied), token, bucket, load, what));
        }
      }
    }
    report(runs, heavy, light, loadBefore, loadAverage());
  }

  /**
   * Before measuring anything: the endpoint answers on all three paths, and on the gateway path a
   * missing, forged or revoked token is refused and the bench group's Redis bucket is in force. A
   * fast number for a gateway that skipped its work would be worthless.
   */
  private void checkTheGatewayDoesItsWork(
      FakeServices services, String token, String direct, String gateway, String proxied)
      throws Exception {
    HttpClient http =
        HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5))
            .build();
    HttpResponse<String> straight = get(http, direct, token);
    assertThat(straight.statusCode()).as("direct").isEqualTo(200);
    HttpResponse<String> through = get(http, gateway, token);
    assertThat(through.statusCode()).as("through the gateway: %s", through.body()).isEqualTo(200);
    assertThat(through.body()).isEqualTo(straight.body());
    assertThat(through.headers().firstValue("RateLimit-Limit"))
        .as("the bench group's limit applies")
        .hasValue(Long.toString(BenchTestResource.CAPACITY));
    HttpResponse<String> viaNginx = get(http, proxied, token);
    assertThat(viaNginx.statusCode()).as("through nginx").isEqualTo(200);
    assertThat(viaNginx.body()).isEqualTo(straight.body());

    assertThat(get(http, direct, null).statusCode()).as("direct, no token").isEqualTo(401);
    assertThat(get(http, gateway, null).statusCode()).as("no token").isEqualTo(401);
    String[] good = token.split("\\.");
    String[] other = services.token().split("\\.");
    String forged = good[0] + "." + other[1] + "." + good[2];
    assertThat(get(http, gateway, forged).statusCode()).as("forged token").isEqualTo(401);
    JwtClaims revokedClaims = FakeServices.claims();
    String revoked = FakeServices.sign(revokedClaims, services.signingKey());
    String revokedKey = Revocations.JTI_PREFIX + revokedClaims.getJwtId();
    redisKeys.add(revokedKey);
    redis.setAndAwait(List.of(revokedKey, "1", "EX", "3600"));
    assertThat(get(http, gateway, revoked).statusCode()).as("revoked token").isEqualTo(401);
  }

  private static HttpResponse<String> get(HttpClient http, String url, String token)
      throws IOException, InterruptedException {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10)).GET();
    if (token != null) {
      request.header("Authorization", "Bearer " + token);
    }
    return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  private static String url(Scenario scenario, String direct, String gateway, String proxied) {
    return switch (scenario) {
      case DIRECT -> direct;
      case GATEWAY -> gateway;
      case NGINX -> proxied;
    };
  }

  /**
   * Runs {@code chunk} until the throughput is steady (within 10% of the run before) or {@value
   * #MAX_WARMUPS} runs are done: on a busy machine the JIT compiler threads get little CPU, and the
   * gateway path (RSA, JSON, Redis client, fault tolerance) has far more code to compile than the
   * upstream. Errors here are reported but not fatal: a cold JVM can miss the 250 ms Redis
   * deadline.
   */
  private static void warmUp(Scenario scenario, String url, String token, Wrk.Load chunk) {
    double previous = -1;
    for (int i = 1; i <= MAX_WARMUPS; i++) {
      Wrk.Result result = Wrk.run(url, token, chunk);
      System.out.printf(
          Locale.ROOT,
          "  %-8s %-22s %9.0f req/s  p50 %6.2f ms  p99 %6.2f ms  (%d requests, %d errors)%n",
          scenario.label,
          "warm-up " + i,
          result.requestsPerSecond(),
          result.p50Millis(),
          result.p99Millis(),
          result.requests(),
          result.errors());
      if (previous > 0
          && result.errors() == 0
          && Math.abs(result.requestsPerSecond() - previous) <= 0.1 * previous) {
        return;
      }
      previous = result.requestsPerSecond();
    }
    System.out.printf(
        "  %s: not steady after %d warm-ups; measuring anyway%n", scenario, MAX_WARMUPS);
  }

  /**
   * One wrk run, checked: no error or non-2xx, every counted response served by the upstream, and
   * through the gateway every request answered 2xx, admitted by Redis (not by the local fallback,
   * not refused) and paid for with a token from the user's Redis bucket.
   */
  private Run measure(
      Scenario scenario, String url, String token, String bucket, Wrk.Load load, String what) {
    long servedBefore = upstream.served();
    double okBefore = gatewayCount("2xx");
    double notOkBefore = gatewayNotOk();
    double fallbackBefore = counter("gateway.ratelimit.fallback");
    double rejectedBefore = counter("gateway.ratelimit.rejected");
    double tokensBefore = bucketTokens(bucket);
    long jvmBefore = jvmCpuNanos();
    long nginxBefore = nginx.cpuNanos();
    double redisBefore = redisCpuSeconds();

    Wrk.Result result = Wrk.run(url, token, load);

    double perRequest = 1e6 / Math.max(1, result.requests());
    Cpu cpu =
        new Cpu(
            (jvmCpuNanos() - jvmBefore) / 1e9 * perRequest,
            (nginx.cpuNanos() - nginxBefore) / 1e9 * perRequest,
            (redisCpuSeconds() - redisBefore) * perRequest,
            result.cpuSeconds() * perRequest);

    String context = scenario.label + " (" + what + "):\n" + result.output();
    assertThat(result.requests()).as("responses in %s", context).isPositive();
    assertThat(result.errors()).as("errors and non-2xx responses in %s", context).isZero();
    assertThat(upstream.served() - servedBefore)
        .as("requests the upstream served in %s", context)
        .isGreaterThanOrEqualTo(result.requests());
    if (scenario == Scenario.GATEWAY) {
      assertThat(gatewayCount("2xx") - okBefore)
          .as("2xx answered by the gateway in %s", context)
          .isGreaterThanOrEqualTo(result.requests());
      assertThat(gatewayNotOk() - notOkBefore)
          .as("other statuses answered by the gateway in %s", context)
          .isZero();
      assertThat(counter("gateway.ratelimit.fallback") - fallbackBefore)
          .as("decisions of the local fallback limiter (Redis too slow) in %s", context)
          .isZero();
      assertThat(counter("gateway.ratelimit.rejected") - rejectedBefore)
          .as("429s in %s", context)
          .isZero();
      // One token per request left the bucket, less the little it refilled meanwhile.
      assertThat(tokensBefore - bucketTokens(bucket))
          .as("tokens taken from the Redis bucket in %s", context)
          .isGreaterThanOrEqualTo(result.requests() - refilledSoFar() - 1);
    }
    System.out.printf(
        Locale.ROOT,
        "  %-8s %-22s %9.0f req/s  p50 %6.2f ms  p99 %6.2f ms  (%d requests, %s;"
            + " CPU µs/request: JVM %.0f, nginx %.0f, Redis %.0f, wrk %.0f)%n",
        scenario.label,
        what,
        result.requestsPerSecond(),
        result.p50Millis(),
        result.p99Millis(),
        result.requests(),
        load.describe(),
        cpu.jvm(),
        cpu.nginx(),
        cpu.redis(),
        cpu.wrk());
    return new Run(scenario, load, result, cpu);
  }

  /** Tokens the bench bucket can have regained since the benchmark began. */
  private double refilledSoFar() {
    return Math.ceil((System.nanoTime() - began) / 1e9 * BenchTestResource.REFILL_PER_SECOND);
  }

  private static long jvmCpuNanos() {
    return ((com.sun.management.OperatingSystemMXBean)
            java.lang.management.ManagementFactory.getOperatingSystemMXBean())
        .getProcessCpuTime();
  }

  /** The Redis server's CPU time so far ({@code INFO cpu}: main thread and background threads). */
  private double redisCpuSeconds() {
    double seconds = 0;
    for (String line : redis.infoAndAwait(List.of("cpu")).toString().split("\\R")) {
      if (line.startsWith("used_cpu_sys:") || line.startsWith("used_cpu_user:")) {
        seconds += Double.parseDouble(line.substring(line.indexOf(':') + 1).trim());
      }
    }
    return seconds;
  }

  private double gatewayCount(String status) {
    Timer timer =
        registry
            .find("gateway.requests")
            .tag("group", BenchTestResource.SERVICE)
            .tag("status", status)
            .timer();
    return timer == null ? 0 : timer.count();
  }

  private double gatewayNotOk() {
    return registry
        .find("gateway.requests")
        .tag("group", BenchTestResource.SERVICE)
        .timers()
        .stream()
        .filter(t -> !"2xx".equals(t.getId().getTag("status")))
        .mapToDouble(Timer::count)
        .sum();
  }

  private double counter(String name) {
    var counter = registry.find(name).counter();
    return counter == null ? 0 : counter.count();
  }

  private double bucketTokens(String bucket) {
    Response tokens = redis.hgetAndAwait(bucket, "tokens");
    return tokens == null ? BenchTestResource.CAPACITY : Double.parseDouble(tokens.toString());
  }

  private static void report(
      List<Run> runs, Wrk.Load heavy, Wrk.Load light, String loadBefore, String loadAfter) {
    StringBuilder out = new StringBuilder();
    out.append(
        String.format(
            Locale.ROOT,
            "%nGateway overhead, %s, %d cores, load average %s before / %s after"
                + " (median of %d round(s))%n%n",
            LocalDateTime.now().truncatedTo(ChronoUnit.MINUTES),
            Runtime.getRuntime().availableProcessors(),
            loadBefore,
            loadAfter,
            runs.size() / 6));
    out.append("| scenario | load | requests/s | p50 ms | p99 ms |\n");
    out.append("|---|---|---:|---:|---:|\n");
    for (Wrk.Load load : List.of(heavy, light)) {
      for (Scenario scenario : Scenario.values()) {
        out.append(
            String.format(
                Locale.ROOT,
                "| %s | %s | %,.0f | %.2f | %.2f |%n",
                scenario.label,
                load.describe(),
                median(runs, scenario, load, RPS),
                median(runs, scenario, load, P50),
                median(runs, scenario, load, P99)));
      }
    }
    double gatewayRatio =
        median(runs, Scenario.GATEWAY, heavy, RPS) / median(runs, Scenario.DIRECT, heavy, RPS);
    double nginxRatio =
        median(runs, Scenario.NGINX, heavy, RPS) / median(runs, Scenario.DIRECT, heavy, RPS);
    double addedLight = added(runs, Scenario.GATEWAY, light);
    double addedHeavy = added(runs, Scenario.GATEWAY, heavy);
    out.append('\n');
    out.append(
        String.format(
            Locale.ROOT,
            "- throughput gateway/direct: %.2f (target >= %.2f: %s); nginx/direct: %.2f%n",
            gatewayRatio,
            TARGET_RATIO,
            gatewayRatio >= TARGET_RATIO ? "met" : "MISSED",
            nginxRatio));
    out.append(addedP99Line("light load", addedLight, added(runs, Scenario.NGINX, light)));
    out.append(addedP99Line("under load", addedHeavy, added(runs, Scenario.NGINX, heavy)));
    out.append(
        String.format(
            Locale.ROOT,
            "%nCPU time per request under load (µs), by process — on a 2-core machine the"
                + " processes share the cores:%n%n"));
    out.append("| scenario | this JVM | nginx | Redis | wrk | total |\n");
    out.append("|---|---:|---:|---:|---:|---:|\n");
    for (Scenario scenario : Scenario.values()) {
      out.append(
          String.format(
              Locale.ROOT,
              "| %s | %.0f | %.0f | %.0f | %.0f | %.0f |%n",
              scenario.label,
              median(runs, scenario, heavy, r -> r.cpu().jvm()),
              median(runs, scenario, heavy, r -> r.cpu().nginx()),
              median(runs, scenario, heavy, r -> r.cpu().redis()),
              median(runs, scenario, heavy, r -> r.cpu().wrk()),
              median(runs, scenario, heavy, r -> r.cpu().total())));
    }
    double gatewayOwn =
        median(runs, Scenario.GATEWAY, heavy, r -> r.cpu().jvm())
            - median(runs, Scenario.DIRECT, heavy, r -> r.cpu().jvm());
    out.append(
        String.format(
            Locale.ROOT,
            "%n- the gateway's own CPU per request: %.0f µs (this JVM, gateway − direct)%n",
            gatewayOwn));
    System.out.println(out);
  }

  private static String addedP99Line(String load, double gateway, double nginx) {
    return String.format(
        Locale.ROOT,
        "- added p99 (gateway - direct), %s: %+.2f ms (target <= %.1f ms: %s); nginx: %+.2f ms%n",
        load,
        gateway,
        TARGET_ADDED_P99_MS,
        gateway <= TARGET_ADDED_P99_MS ? "met" : "MISSED",
        nginx);
  }

  private static double added(List<Run> runs, Scenario scenario, Wrk.Load load) {
    return median(runs, scenario, load, P99) - median(runs, Scenario.DIRECT, load, P99);
  }

  private static double median(
      List<Run> runs, Scenario scenario, Wrk.Load load, ToDoubleFunction<Run> figure) {
    double[] values =
        runs.stream()
            .filter(r -> r.scenario() == scenario && r.load() == load)
            .mapToDouble(figure)
            .sorted()
            .toArray();
    int n = values.length;
    return n % 2 == 1 ? values[n / 2] : (values[n / 2 - 1] + values[n / 2]) / 2;
  }

  private static String loadAverage() {
    try {
      String[] parts = Files.readString(Path.of("/proc/loadavg")).trim().split("\\s+");
      return parts[0] + " " + parts[1] + " " + parts[2];
    } catch (IOException | RuntimeException e) {
      return "unknown";
    }
  }

  @AfterEach
  void forgetRedisKeys() {
    if (!redisKeys.isEmpty()) {
      redis.delAndAwait(redisKeys);
    }
  }

  @AfterAll
  static void stopProcesses() {
    if (nginx != null) {
      nginx.close();
      nginx = null;
    }
    if (upstream != null) {
      upstream.close();
      upstream = null;
    }
  }
}
