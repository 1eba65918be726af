package dev.tessera.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.tessera.e2e.GatewayClient.Response;
import dev.tessera.e2e.GatewayClient.Session;
import dev.tessera.launcher.TesseraSystem;
import dev.tessera.launcher.TraceStore;
import dev.tessera.launcher.TraceStore.Span;
import dev.tessera.launcher.Waterfall;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * One user action is one trace, across every application it reaches, as the launcher's OTLP
 * receiver collected it from their exports (what {@code ./tessera trace} shows).
 */
class OrderTraceIT {

  private static final Duration SAGA = Duration.ofSeconds(90);

  /** No span of the trace for this long, after its root: every application has exported. */
  private static final Duration SETTLED = Duration.ofSeconds(2);

  private final TesseraSystem system = WholeSystem.get();
  private final GatewayClient gateway = WholeSystem.gateway();

  @Test
  void a_placed_order_is_one_trace_from_the_gateway_through_kafka_to_the_notifications() {
    Session ada = gateway.signUpAndLogIn("Ada");
    String sku =
        GatewayClient.items(gateway.get("/api/orders/catalog", null).body())
            .get(0)
            .get("sku")
            .asText();
    long posted = System.currentTimeMillis() * 1_000_000L;
    Response placed =
        gateway.postIdempotent(
            "/api/orders",
            ada.accessToken(),
            Map.of("items", List.of(Map.of("sku", sku, "quantity", 1))),
            UUID.randomUUID());
    assertThat(placed.status()).as(placed.toString()).isEqualTo(201);
    String orderId = placed.body().get("id").asText();
    await()
        .atMost(SAGA)
        .until(
            () ->
                "CONFIRMED"
                    .equals(
                        gateway
                            .get("/api/orders/" + orderId, ada.accessToken())
                            .body()
                            .path("status")
                            .asText()));
    long confirmedSeen = System.currentTimeMillis() * 1_000_000L;

    // The notifications consumer of OrderConfirmed is the last hop; its span may arrive last.
    List<Span> trace =
        awaitTrace(
            orderId,
            spans ->
                has(spans, "notifications", "orders.order.events process")
                    && has(spans, "orders", "billing.payment.events process")
                    && has(spans, "notifications", "email send"));
    String traceId = trace.get(0).traceId();
    System.out.println(Waterfall.of(traceId, trace).text());

    assertThat(trace).allMatch(s -> s.traceId().equals(traceId));
    assertThat(applications(trace)).contains("gateway", "orders", "billing", "notifications");

    // In causal order: the request enters at the gateway, orders records OrderPlaced in its
    // transaction, billing consumes it and records PaymentSucceeded, orders consumes that and
    // records OrderConfirmed, notifications consumes it. Each consumer span is the child of the
    // producing transaction's publish span, whose traceparent the outbox row carried.
    Span entry = first(trace, s -> s.service().startsWith("gateway") && s.kind().equals("SERVER"));
    assertThat(entry.parentSpanId()).isEmpty();
    assertThat(entry.name()).contains("POST");
    Span ordersRequest =
        first(trace, s -> s.service().startsWith("orders") && s.kind().equals("SERVER"));
    assertThat(ancestors(trace, ordersRequest)).contains(entry);

    Span orderPlaced = publish(trace, "orders", "orders.order.events", ordersRequest);
    Span billingConsumes = consumer(trace, "billing", orderPlaced);
    Span paymentSucceeded =
        publishUnder(trace, "billing", "billing.payment.events", billingConsumes);
    Span ordersConsumes = consumer(trace, "orders", paymentSucceeded);
    Span orderConfirmed = publishUnder(trace, "orders", "orders.order.events", ordersConsumes);
    Span notificationsConsumes = consumer(trace, "notifications", orderConfirmed);

    // The e-mail, sent after the consumer's commit by the sender's pass, joins the trace of the
    // event that asked for it.
    Span email =
        first(
            trace,
            s ->
                s.service().startsWith("notifications-")
                    && s.name().equals("email send")
                    && ancestors(trace, s).stream()
                        .anyMatch(
                            a ->
                                a.service().startsWith("notifications-")
                                    && a.kind().equals("CONSUMER")));
    assertThat(email.kind()).isEqualTo("CLIENT");
    assertThat(email.status()).isNotEqualTo(TraceStore.Status.ERROR);

    List<Span> chain =
        List.of(
            entry,
            ordersRequest,
            orderPlaced,
            billingConsumes,
            paymentSucceeded,
            ordersConsumes,
            orderConfirmed,
            notificationsConsumes);
    for (int i = 1; i < chain.size(); i++) {
      assertThat(chain.get(i).startEpochNanos())
          .as("%s starts after %s", chain.get(i).name(), chain.get(i - 1).name())
          .isGreaterThanOrEqualTo(chain.get(i - 1).startEpochNanos());
    }

    // Every Kafka hop says what it is, as OpenTelemetry's messaging conventions name it.
    for (Span hop : List.of(orderPlaced, paymentSucceeded, orderConfirmed)) {
      assertThat(hop.kind()).isEqualTo("PRODUCER");
      assertThat(hop.attributes())
          .containsEntry("messaging.system", "kafka")
          .containsEntry("messaging.operation.type", "publish")
          .containsKeys("messaging.destination.name", "messaging.message.id");
    }
    assertThat(orderPlaced.attributes()).containsEntry("messaging.kafka.message.key", orderId);
    for (Span hop : List.of(billingConsumes, ordersConsumes, notificationsConsumes)) {
      assertThat(hop.kind()).isEqualTo("CONSUMER");
      assertThat(hop.attributes())
          .containsEntry("messaging.system", "kafka")
          .containsEntry("messaging.operation.type", "process")
          .containsKeys(
              "messaging.destination.name",
              "messaging.consumer.group.name",
              "messaging.destination.partition.id",
              "messaging.kafka.offset",
              "messaging.message.id");
    }

    // The trace's time line fits the client's: the request entered after the POST was sent, and
    // orders began applying the payment result (to commit CONFIRMED) before the client first saw
    // CONFIRMED. Causal bounds, not timings: they hold however slow the machine is.
    long confirming = ordersConsumes.startEpochNanos();
    assertThat(entry.startEpochNanos()).isGreaterThanOrEqualTo(posted - CLOCK_GRANULARITY);
    assertThat(confirming).isLessThanOrEqualTo(confirmedSeen + CLOCK_GRANULARITY);
    assertThat(confirming - entry.startEpochNanos())
        .isPositive()
        .isLessThanOrEqualTo(confirmedSeen - posted + 2 * CLOCK_GRANULARITY);
  }

  @Test
  void a_sign_up_is_one_trace_across_all_five_applications() {
    Session grace = gateway.signUpAndLogIn("Grace");
    String userId = grace.userId().toString();

    // UserRegistered reaches billing (the account), orders (its projection) and notifications.
    List<Span> trace =
        awaitTrace(
            userId,
            spans ->
                has(spans, "billing", "identity.user.events process")
                    && has(spans, "orders", "identity.user.events process")
                    && has(spans, "notifications", "identity.user.events process"));
    String traceId = trace.get(0).traceId();
    System.out.println(Waterfall.of(traceId, trace).text());

    assertThat(applications(trace))
        .containsExactlyInAnyOrder("gateway", "identity", "orders", "billing", "notifications");
    Span entry = first(trace, s -> s.service().startsWith("gateway") && s.kind().equals("SERVER"));
    Span signUp =
        first(trace, s -> s.service().startsWith("identity") && s.kind().equals("SERVER"));
    assertThat(ancestors(trace, signUp)).contains(entry);
    Span registered = publish(trace, "identity", "identity.user.events", signUp);
    assertThat(registered.attributes()).containsEntry("messaging.kafka.message.key", userId);
    for (String consumer : List.of("billing", "orders", "notifications")) {
      consumer(trace, consumer, registered);
    }
  }

  @Test
  void a_request_id_finds_the_trace_of_its_request() {
    Session cy = gateway.signUpAndLogIn("Cy");
    String requestId = "e2e-" + UUID.randomUUID();
    Response missing =
        gateway.getWithRequestId("/api/orders/" + UUID.randomUUID(), cy.accessToken(), requestId);
    assertThat(missing.status()).isEqualTo(404);
    assertThat(missing.header("X-Request-Id")).isEqualTo(requestId);

    List<Span> trace =
        awaitTrace(
            requestId, spans -> spans.stream().anyMatch(s -> s.service().startsWith("orders")));

    Span ordersRequest =
        first(trace, s -> s.service().startsWith("orders") && s.kind().equals("SERVER"));
    assertThat(ordersRequest.attributes())
        .containsEntry("tessera.problem.type", "https://tessera.dev/problems/not-found");
  }

  @Test
  void housekeeping_starts_no_trace_of_its_own() {
    // Each service checks the standby's position eight times a second, sweeps its outbox, polls
    // for due payments and e-mails, checks the revocation seed: database and Redis commands that no
    // request or event encloses. None may be a trace: they would push users' traces out of the
    // store (and out of a tracing backend's budget). Every application has been up for a minute
    // before any test, and a sign-up's trace settling shows the exports since are in.
    Session dee = gateway.signUpAndLogIn("Dee");
    awaitTrace(
        dee.userId().toString(),
        spans -> has(spans, "notifications", "identity.user.events process"));

    TraceStore store = system.traces();
    List<Span> loneCommands =
        store.recent(TraceStore.MAX_TRACES).stream()
            .flatMap(summary -> store.trace(summary.traceId()).stream())
            .filter(
                s ->
                    s.parentSpanId().isEmpty()
                        && s.kind().equals("CLIENT")
                        && (s.attributes().containsKey("db.system")
                            || s.attributes().containsKey("db.system.name")))
            .toList();
    assertThat(loneCommands).as(names(loneCommands)).isEmpty();
  }

  // Spans carry the exporting process's wall clock, read through its own nanoTime anchor; the
  // test's is the same machine's clock, read in milliseconds.
  private static final long CLOCK_GRANULARITY = 2_000_000L;

  /**
   * The trace {@code id} finds, once {@code complete} holds and the trace has settled: each
   * application exports on its own schedule, so the spans a test waits for can arrive before the
   * entry's (a saga done in 150 ms was read without its gateway and orders spans, 2026-12-06).
   */
  private List<Span> awaitTrace(String id, Predicate<List<Span>> complete) {
    TraceStore store = system.traces();
    return await()
        .atMost(SAGA)
        .until(
            () -> store.find(id).map(store::trace).orElse(List.of()),
            spans ->
                !spans.isEmpty()
                    && complete.test(spans)
                    && store.settled(spans.get(0).traceId(), SETTLED));
  }

  private static boolean has(List<Span> spans, String application, String name) {
    return spans.stream()
        .anyMatch(s -> s.service().startsWith(application + "-") && s.name().equals(name));
  }

  private static Set<String> applications(List<Span> spans) {
    return spans.stream()
        .map(s -> s.service().replaceAll("-\\d+$", ""))
        .collect(Collectors.toSet());
  }

  private static Span first(List<Span> spans, Predicate<Span> matching) {
    return spans.stream()
        .filter(matching)
        .findFirst()
        .orElseThrow(() -> new AssertionError("no such span among " + names(spans)));
  }

  /** The publish span of {@code topic} by {@code application} below {@code under}. */
  private static Span publish(List<Span> spans, String application, String topic, Span under) {
    return publishUnder(spans, application, topic, under);
  }

  private static Span publishUnder(List<Span> spans, String application, String topic, Span under) {
    return first(
        spans,
        s ->
            s.service().startsWith(application + "-")
                && s.name().equals(topic + " publish")
                && ancestors(spans, s).contains(under));
  }

  /** The consumer span of {@code application} that is the child of {@code producer}. */
  private static Span consumer(List<Span> spans, String application, Span producer) {
    String topic = producer.attribute("messaging.destination.name");
    return first(
        spans,
        s ->
            s.service().startsWith(application + "-")
                && s.name().equals(topic + " process")
                && s.parentSpanId().equals(producer.spanId()));
  }

  private static List<Span> ancestors(List<Span> spans, Span span) {
    Map<String, Span> byId =
        spans.stream().collect(Collectors.toMap(Span::spanId, s -> s, (a, b) -> a));
    List<Span> ancestors = new java.util.ArrayList<>();
    Optional<Span> parent = Optional.ofNullable(byId.get(span.parentSpanId()));
    while (parent.isPresent() && ancestors.size() < spans.size()) {
      ancestors.add(parent.get());
      parent = Optional.ofNullable(byId.get(parent.get().parentSpanId()));
    }
    return ancestors;
  }

  private static String names(List<Span> spans) {
    return spans.stream()
        .map(s -> s.service() + ":" + s.name() + "(" + s.kind() + ")")
        .collect(Collectors.joining(", "));
  }
}
