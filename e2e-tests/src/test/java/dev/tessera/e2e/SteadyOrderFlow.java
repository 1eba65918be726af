package dev.tessera.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.tessera.e2e.GatewayClient.Response;
import dev.tessera.e2e.GatewayClient.Session;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;

/**
 * Orders placed through the gateway at a steady rate by a few users, as real customers keep doing
 * while something fails: every answer is counted by the phase of the fault it came in, and every
 * accepted order is remembered, for {@link SagaInvariants} to check after recovery.
 */
final class SteadyOrderFlow implements AutoCloseable {

  /**
   * The phase {@link #warmUp} labels: a system just started on a small machine answers its first
   * requests slowly (every JVM compiling at once), which is not what a fault test measures.
   */
  static final String WARM_UP = "warm-up";

  /** A client answer that was not an HTTP answer: refused, reset or timed out. */
  private static final int NO_ANSWER = 0;

  /**
   * Orders per second, from all users together: a steady load the saga keeps up with, also on a
   * loaded 2-core machine, so that what piles up during a fault is the fault's doing.
   */
  private static final int RATE = 5;

  private static final int USERS = 3;

  /**
   * At most this many requests per phase (30 s of the flow): when a restart takes minutes on a
   * loaded machine, the flow holds back instead of piling up a backlog that no deadline can drain.
   */
  private static final int PER_PHASE = 30 * RATE;

  /** At most this many requests in flight: a stalled gateway must not pile up client threads. */
  private static final int IN_FLIGHT = 12;

  private final GatewayClient gateway;
  private final List<Session> users = new ArrayList<>();
  private final String sku;
  private final ScheduledExecutorService ticker = Executors.newSingleThreadScheduledExecutor();
  private final ExecutorService clients = Executors.newFixedThreadPool(IN_FLIGHT);
  private final Semaphore inFlight = new Semaphore(IN_FLIGHT);
  private final Map<String, String> acceptedInPhase = new ConcurrentHashMap<>();
  private final Map<String, java.time.Instant> firstAcceptedInPhase = new ConcurrentHashMap<>();
  private final Map<String, Map<Integer, AtomicInteger>> answers = new ConcurrentHashMap<>();
  private final List<String> faultyAnswers = Collections.synchronizedList(new ArrayList<>());
  // The first answers other than 201 outside the warm-up, with what they said: what to look into.
  private final List<String> otherAnswers = Collections.synchronizedList(new ArrayList<>());
  private final AtomicInteger skipped = new AtomicInteger();
  private final AtomicInteger sentInPhase = new AtomicInteger();
  private final AtomicInteger heldBack = new AtomicInteger();
  private final AtomicInteger next = new AtomicInteger();
  private final AtomicInteger consecutive201 = new AtomicInteger();
  private volatile String phase = "before";
  private volatile boolean running;
  private final AtomicBoolean closed = new AtomicBoolean();

  private SteadyOrderFlow(GatewayClient gateway, String sku) {
    this.gateway = gateway;
    this.sku = sku;
  }

  /** Signs up the users and starts placing orders at once, in the phase {@code "before"}. */
  static SteadyOrderFlow start(GatewayClient gateway) {
    return start(gateway, "before");
  }

  /**
   * Signs up the users and starts placing orders at once, labelled {@code firstPhase}: {@link
   * #WARM_UP} for a system just started, whose first orders are to be shown, not asserted.
   */
  static SteadyOrderFlow start(GatewayClient gateway, String firstPhase) {
    SteadyOrderFlow flow = new SteadyOrderFlow(gateway, firstSku(gateway));
    flow.phase = firstPhase;
    for (int i = 0; i < USERS; i++) {
      String name = "Steady " + (i + 1);
      // Setting up is not under test: a previous test's recovery may still be slowing identity.
      flow.users.add(
          await()
              .atMost(Duration.ofMinutes(2))
              .ignoreExceptions()
              .until(() -> gateway.signUpAndLogIn(name), java.util.Objects::nonNull));
    }
    flow.running = true;
    flow.ticker.scheduleAtFixedRate(flow::tick, 0, 1000 / RATE, TimeUnit.MILLISECONDS);
    return flow;
  }

  /** The catalog's first SKU, read through {@code gateway} (not the shared system's: its own). */
  private static String firstSku(GatewayClient gateway) {
    Response catalog = gateway.get("/api/orders/catalog", null);
    assertThat(catalog.status()).isEqualTo(200);
    return GatewayClient.items(catalog.body()).get(0).get("sku").asText();
  }

  /** Labels the answers and orders from now on, e.g. {@code "kafka down"}. */
  void phase(String phase) {
    this.phase = phase;
    sentInPhase.set(0);
    System.out.println("[SteadyOrderFlow] phase: " + phase);
  }

  /** Waits until {@code count} orders were accepted in the current phase. */
  void awaitAccepted(int count, Duration atMost) {
    String current = phase;
    await()
        .alias(count + " orders accepted while " + current + "; so far " + this)
        .atMost(atMost)
        .pollInterval(Duration.ofMillis(100))
        .until(() -> acceptedIn(current) >= count);
  }

  /**
   * Labels the answers {@link #WARM_UP} until {@code consecutive} orders in a row were accepted
   * (the system has warmed up), within {@code atMost}. {@link #assertEveryAnswerWas201} leaves that
   * phase out; {@link #toString()} still shows it.
   */
  void warmUp(int consecutive, Duration atMost) {
    phase(WARM_UP);
    consecutive201.set(0);
    await()
        .alias(consecutive + " orders accepted in a row while warming up; so far " + this)
        .atMost(atMost)
        .pollInterval(Duration.ofMillis(200))
        .until(() -> consecutive201.get() >= consecutive);
  }

  /** Lets the flow run for {@code duration}, failing if it stopped (a client thread died). */
  void keepRunningFor(Duration duration) {
    await()
        .during(duration)
        .atMost(duration.plusSeconds(10))
        .pollInterval(Duration.ofMillis(500))
        .until(() -> running);
  }

  /** Stops placing orders and waits for the answers still in flight. */
  @Override
  public void close() {
    if (closed.getAndSet(true)) {
      return;
    }
    running = false;
    ticker.shutdownNow();
    clients.shutdown();
    try {
      clients.awaitTermination(60, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    System.out.println("[SteadyOrderFlow] " + this);
  }

  /** The users who placed the orders. */
  List<Session> users() {
    return List.copyOf(users);
  }

  /** Every order the gateway answered {@code 201} for, with the phase it was accepted in. */
  Map<String, String> accepted() {
    return Map.copyOf(acceptedInPhase);
  }

  /** When the first order sent in {@code phase} was answered {@code 201}, if one was. */
  java.util.Optional<java.time.Instant> firstAcceptedIn(String phase) {
    return java.util.Optional.ofNullable(firstAcceptedInPhase.get(phase));
  }

  /**
   * Asserts that no answer was a {@code 500} (or another server error but {@code 503} and {@code
   * 504}) and that every {@code 503} carried {@code Retry-After}: a dependency outage is a {@code
   * 503}, never a {@code 500}. A {@code 504} (the gateway's deadline passed) or no answer at all is
   * counted in {@link #toString()}, not failed: on a loaded machine slowness alone causes them.
   */
  void assertOnlyAcceptedOrUnavailable() {
    assertThat(faultyAnswers)
        .as("answers other than 201 or 503 + Retry-After (%s)", this)
        .isEmpty();
  }

  /**
   * Asserts that every order placed (but while warming up) was answered {@code 201}: no {@code
   * 503}, no {@code 504}, no request without an answer. For a fault the system promises to hide
   * from clients entirely, such as a graceful restart of one instance of two.
   */
  void assertEveryAnswerWas201() {
    Map<String, Map<Integer, Integer>> other = new TreeMap<>();
    answers.forEach(
        (p, counts) -> {
          if (WARM_UP.equals(p)) {
            return;
          }
          counts.forEach(
              (status, count) -> {
                if (status != 201 && count.get() > 0) {
                  other.computeIfAbsent(p, k -> new TreeMap<>()).put(status, count.get());
                }
              });
        });
    assertThat(other).as("answers other than 201 by phase and status (%s)", this).isEmpty();
  }

  private long acceptedIn(String phase) {
    return acceptedInPhase.values().stream().filter(phase::equals).count();
  }

  private void tick() {
    if (!running) {
      return;
    }
    if (sentInPhase.get() >= PER_PHASE) {
      heldBack.incrementAndGet();
      return;
    }
    if (!inFlight.tryAcquire()) {
      skipped.incrementAndGet();
      return;
    }
    sentInPhase.incrementAndGet();
    Session user = users.get(next.getAndIncrement() % users.size());
    String phaseAtSend = phase;
    clients.execute(
        () -> {
          try {
            place(user, phaseAtSend);
          } finally {
            inFlight.release();
          }
        });
  }

  private void place(Session user, String phaseAtSend) {
    int status;
    String answer = "";
    try {
      Response response =
          gateway.postIdempotent(
              "/api/orders",
              user.accessToken(),
              Map.of("items", List.of(Map.of("sku", sku, "quantity", 1))),
              UUID.randomUUID());
      status = response.status();
      if (status == 201) {
        consecutive201.incrementAndGet();
        acceptedInPhase.put(response.body().get("id").asText(), phaseAtSend);
        firstAcceptedInPhase.putIfAbsent(phaseAtSend, java.time.Instant.now());
      } else {
        answer = body(response);
        if (status == 503
            ? response.header("Retry-After") == null
            : status >= 500 && status != 504) {
          faultyAnswers.add(phaseAtSend + ": " + status + " " + abbreviate(answer));
        }
      }
    } catch (RuntimeException e) {
      status = NO_ANSWER;
      answer = e.toString();
    }
    if (status != 201) {
      consecutive201.set(0);
      if (!WARM_UP.equals(phaseAtSend) && otherAnswers.size() < 10) {
        otherAnswers.add(
            java.time.Instant.now() + " " + phaseAtSend + ": " + status + " " + abbreviate(answer));
      }
    }
    answers
        .computeIfAbsent(phaseAtSend, p -> new ConcurrentHashMap<>())
        .computeIfAbsent(status, s -> new AtomicInteger())
        .incrementAndGet();
  }

  private static String body(Response response) {
    return String.valueOf(response.body());
  }

  private static String abbreviate(String text) {
    return text.length() > 300 ? text.substring(0, 300) + "…" : text;
  }

  /**
   * Answers by phase (when the request was sent) and status (0: no answer), skipped ticks, and the
   * first faulty answers.
   */
  @Override
  public String toString() {
    Map<String, Map<Integer, Integer>> byPhase = new TreeMap<>();
    answers.forEach(
        (p, counts) ->
            byPhase.put(
                p,
                counts.entrySet().stream()
                    .collect(
                        Collectors.toMap(
                            Map.Entry::getKey,
                            e -> e.getValue().get(),
                            (a, b) -> a,
                            TreeMap::new))));
    List<String> faulty;
    synchronized (faultyAnswers) {
      faulty = List.copyOf(faultyAnswers.subList(0, Math.min(5, faultyAnswers.size())));
    }
    return "answers by phase and status "
        + byPhase
        + ", ticks skipped (all "
        + IN_FLIGHT
        + " clients busy) "
        + skipped.get()
        + ", held back (phase over "
        + PER_PHASE
        + " requests) "
        + heldBack.get()
        + (faulty.isEmpty()
            ? ""
            : ", " + faultyAnswers.size() + " faulty answers, first: " + faulty)
        + (otherAnswers.isEmpty() ? "" : ", first answers other than 201: " + otherAnswers);
  }
}
