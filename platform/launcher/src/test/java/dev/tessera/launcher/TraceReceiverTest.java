package dev.tessera.launcher;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.ByteString;
import com.sun.net.httpserver.HttpServer;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.resource.v1.Resource;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.proto.trace.v1.ScopeSpans;
import io.opentelemetry.proto.trace.v1.Span;
import io.opentelemetry.proto.trace.v1.Status;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class TraceReceiverTest {

  private static final long T0 = 1_760_000_000_000_000_000L;
  private static final long MS = 1_000_000L;

  private final TraceStore store = new TraceStore();
  private final HttpClient http = HttpClient.newHttpClient();
  private final ExecutorService pool = Executors.newFixedThreadPool(TracePage.MAX_HELD + 2);
  private HttpServer server;
  private String url;

  @BeforeEach
  void serve() throws IOException {
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 4);
    server.setExecutor(pool);
    server.createContext("/v1/traces", new OtlpReceiver(store)::handle);
    server.createContext("/traces", new TracePage(store)::handle);
    server.start();
    url = "http://127.0.0.1:" + server.getAddress().getPort();
  }

  @AfterEach
  void stop() {
    server.stop(0);
    pool.shutdownNow();
  }

  @Test
  void an_exported_trace_is_shown_by_its_order_id_as_a_waterfall_in_causal_order()
      throws Exception {
    String traceId = hex(16);
    String orderId = UUID.randomUUID().toString();
    String gateway = hex(8);
    String orders = hex(8);
    String publish = hex(8);
    String billing = hex(8);
    // Exported in two batches and out of order, as five applications export independently.
    ExportTraceServiceRequest first =
        request(
            resource(
                "billing-1",
                span(traceId, billing, publish, "orders.order.events process", 60, 90, 0)
                    .addAttributes(attr("messaging.destination.name", "orders.order.events"))
                    .build()),
            resource(
                "gateway-1",
                span(traceId, gateway, "", "POST /api/orders", 0, 50, 0)
                    .addAttributes(attr("tessera.request_id", "req-1"))
                    .build()));
    ExportTraceServiceRequest second =
        request(
            resource(
                "orders-1",
                span(traceId, publish, orders, "orders.order.events publish", 20, 21, 0)
                    .addAttributes(attr("messaging.kafka.message.key", orderId))
                    .build(),
                span(traceId, orders, gateway, "POST /api/orders", 5, 45, 2)
                    .addAttributes(attr("tessera.problem.type", "urn:problem:boom"))
                    .build()));

    assertThat(post(first, true).statusCode()).isEqualTo(200);
    assertThat(post(second, false).statusCode()).isEqualTo(200);

    HttpResponse<String> byOrder = get("/traces/" + orderId + "?format=text");
    assertThat(byOrder.statusCode()).isEqualTo(200);
    assertThat(byOrder.body())
        .startsWith("trace " + traceId)
        .contains("gateway-1 → orders-1 → billing-1")
        .contains("90.0 ms");
    List<String> lines = byOrder.body().lines().filter(l -> l.contains(" ms ")).toList();
    assertThat(lines).hasSize(4);
    assertThat(lines.get(0)).startsWith("gateway-1").contains("+0.0 ms").contains("50.0 ms");
    assertThat(lines.get(1))
        .startsWith("orders-1")
        .contains("  POST /api/orders")
        .contains("ERROR");
    assertThat(lines.get(2)).contains("    orders.order.events publish").contains("+20.0 ms");
    assertThat(lines.get(3))
        .startsWith("billing-1")
        .contains("      orders.order.events process")
        .contains("+60.0 ms")
        .contains("30.0 ms");
    assertThat(byOrder.body()).contains("↳ problem urn:problem:boom");

    assertThat(get("/traces/req-1?format=text").body()).startsWith("trace " + traceId);
    assertThat(get("/traces/" + traceId).body()).contains("<table").contains("billing-1");
    assertThat(get("/traces?format=text").body()).contains(traceId).contains("POST /api/orders");
  }

  @Test
  void asked_to_wait_the_page_answers_once_the_root_span_has_arrived_and_the_trace_is_quiet()
      throws Exception {
    String traceId = hex(16);
    String orderId = UUID.randomUUID().toString();
    String gateway = hex(8);
    // The service's span first: the gateway ends (and exports) its own span after the answer.
    post(
        request(
            resource(
                "orders-1",
                span(traceId, hex(8), gateway, "POST /api/orders", 5, 45, 0)
                    .addAttributes(attr("messaging.kafka.message.key", orderId))
                    .build())),
        false);

    CompletableFuture<HttpResponse<String>> answer =
        http.sendAsync(
            HttpRequest.newBuilder(URI.create(url + "/traces/" + orderId + "?format=text&wait=20"))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThatThrownBy(() -> answer.get(700, TimeUnit.MILLISECONDS))
        .as("no answer while the root span is missing")
        .isInstanceOf(TimeoutException.class);

    post(
        request(
            resource(
                "gateway-1", span(traceId, gateway, "", "POST /api/orders", 0, 50, 0).build())),
        false);

    HttpResponse<String> response = answer.get(15, TimeUnit.SECONDS);
    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.body()).contains("gateway-1 → orders-1");
    // Without wait, the page answers at once with what it has.
    assertThat(get("/traces/" + orderId + "?format=text").statusCode()).isEqualTo(200);
  }

  @Test
  void held_answers_are_bounded_so_exports_and_other_requests_are_still_served() throws Exception {
    String unknown = UUID.randomUUID().toString();
    List<CompletableFuture<HttpResponse<String>>> held = new java.util.ArrayList<>();
    for (int i = 0; i < TracePage.MAX_HELD * 5; i++) {
      held.add(
          http.sendAsync(
              HttpRequest.newBuilder(
                      URI.create(url + "/traces/" + unknown + "?format=text&wait=30"))
                  .build(),
              HttpResponse.BodyHandlers.ofString()));
    }

    // Every request beyond the bound is answered at once (404: nothing yet), and an export is
    // still taken while MAX_HELD answers wait for a trace that never comes.
    long answeredAtOnce =
        held.stream()
            .map(f -> f.completeOnTimeout(null, 5, TimeUnit.SECONDS).join())
            .filter(r -> r != null && r.statusCode() == 404)
            .count();
    assertThat(answeredAtOnce).isEqualTo(TracePage.MAX_HELD * 4L);
    String traceId = hex(16);
    assertThat(
            post(
                    request(
                        resource("gateway-1", span(traceId, hex(8), "", "GET", 0, 1, 0).build())),
                    false)
                .statusCode())
        .isEqualTo(200);
    assertThat(get("/traces/" + traceId + "?format=text").statusCode()).isEqualTo(200);
  }

  @Test
  void a_trace_settles_when_its_root_is_in_and_no_span_arrived_for_the_quiet_period() {
    long[] now = {0};
    TraceStore clocked = new TraceStore(() -> now[0]);
    String traceId = hex(16);
    TraceStore.Span root = storeSpan(traceId);
    TraceStore.Span child = childOf(root);
    Duration quiet = Duration.ofMillis(1500);

    clocked.add(List.of(child));
    now[0] += quiet.toNanos() * 10;
    assertThat(clocked.settled(traceId, quiet)).as("root missing, however quiet").isFalse();

    clocked.add(List.of(root));
    now[0] += quiet.toNanos() - 1;
    assertThat(clocked.settled(traceId, quiet)).as("root just arrived").isFalse();
    now[0] += 1;
    assertThat(clocked.settled(traceId, quiet)).isTrue();
    assertThat(clocked.settled(hex(16), quiet)).as("unknown trace").isFalse();
  }

  @Test
  void an_unknown_id_is_404_with_a_hint() throws Exception {
    HttpResponse<String> response = get("/traces/" + UUID.randomUUID() + "?format=text");

    assertThat(response.statusCode()).isEqualTo(404);
    assertThat(response.body()).contains("no trace for");
  }

  @Test
  void an_export_that_is_not_protobuf_is_refused() throws Exception {
    HttpResponse<String> json =
        http.send(
            HttpRequest.newBuilder(URI.create(url + "/v1/traces"))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{}"))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    HttpResponse<String> garbage =
        http.send(
            HttpRequest.newBuilder(URI.create(url + "/v1/traces"))
                .header("Content-Type", "application/x-protobuf")
                .POST(HttpRequest.BodyPublishers.ofByteArray(new byte[] {(byte) 0xff, 1, 2}))
                .build(),
            HttpResponse.BodyHandlers.ofString());

    assertThat(json.statusCode()).isEqualTo(415);
    assertThat(garbage.statusCode()).isEqualTo(400);
  }

  @Test
  void the_store_forgets_the_oldest_traces_beyond_its_bound() {
    String firstTrace = hex(16);
    store.add(List.of(storeSpan(firstTrace)));
    for (int i = 0; i < TraceStore.MAX_TRACES; i++) {
      store.add(List.of(storeSpan(hex(16))));
    }

    assertThat(store.trace(firstTrace)).isEmpty();
    assertThat(store.recent(Integer.MAX_VALUE)).hasSize(TraceStore.MAX_TRACES);
  }

  /** A root span of {@code traceId}. */
  private static TraceStore.Span storeSpan(String traceId) {
    return storeSpan(traceId, "");
  }

  private static TraceStore.Span childOf(TraceStore.Span parent) {
    return storeSpan(parent.traceId(), parent.spanId());
  }

  private static TraceStore.Span storeSpan(String traceId, String parentSpanId) {
    return new TraceStore.Span(
        traceId,
        hex(8),
        parentSpanId,
        "orders-1",
        "GET",
        "SERVER",
        T0,
        T0 + MS,
        TraceStore.Status.UNSET,
        "",
        java.util.Map.of(),
        List.of());
  }

  private HttpResponse<String> post(ExportTraceServiceRequest request, boolean gzip)
      throws Exception {
    byte[] body = request.toByteArray();
    HttpRequest.Builder builder =
        HttpRequest.newBuilder(URI.create(url + "/v1/traces"))
            .header("Content-Type", "application/x-protobuf");
    if (gzip) {
      ByteArrayOutputStream zipped = new ByteArrayOutputStream();
      try (GZIPOutputStream out = new GZIPOutputStream(zipped)) {
        out.write(body);
      }
      body = zipped.toByteArray();
      builder.header("Content-Encoding", "gzip");
    }
    return http.send(
        builder.POST(HttpRequest.BodyPublishers.ofByteArray(body)).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private HttpResponse<String> get(String path) throws Exception {
    return http.send(
        HttpRequest.newBuilder(URI.create(url + path)).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private static ExportTraceServiceRequest request(ResourceSpans... resources) {
    return ExportTraceServiceRequest.newBuilder().addAllResourceSpans(List.of(resources)).build();
  }

  private static ResourceSpans resource(String instance, Span... spans) {
    return ResourceSpans.newBuilder()
        .setResource(
            Resource.newBuilder()
                .addAttributes(attr("service.name", "tessera-" + instance.split("-")[0]))
                .addAttributes(attr("service.instance.id", instance)))
        .addScopeSpans(ScopeSpans.newBuilder().addAllSpans(List.of(spans)))
        .build();
  }

  private static Span.Builder span(
      String traceId, String spanId, String parent, String name, int fromMs, int toMs, int code) {
    return Span.newBuilder()
        .setTraceId(bytes(traceId))
        .setSpanId(bytes(spanId))
        .setParentSpanId(bytes(parent))
        .setName(name)
        .setStartTimeUnixNano(T0 + fromMs * MS)
        .setEndTimeUnixNano(T0 + toMs * MS)
        .setStatus(Status.newBuilder().setCodeValue(code));
  }

  private static KeyValue attr(String key, String value) {
    return KeyValue.newBuilder()
        .setKey(key)
        .setValue(AnyValue.newBuilder().setStringValue(value))
        .build();
  }

  private static ByteString bytes(String hex) {
    return ByteString.copyFrom(HexFormat.of().parseHex(hex));
  }

  private static String hex(int bytes) {
    byte[] random = new byte[bytes];
    ThreadLocalRandom.current().nextBytes(random);
    return HexFormat.of().formatHex(random);
  }
}
