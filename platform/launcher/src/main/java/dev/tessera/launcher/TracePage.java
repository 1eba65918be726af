package dev.tessera.launcher;

import com.sun.net.httpserver.HttpExchange;
import java.io.IOException;
import java.io.OutputStream;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Semaphore;

/**
 * The traces part of the launcher's local page: {@code /traces} lists the recent ones, {@code
 * /traces/ID} shows one as a waterfall, where ID is a trace id, an order id, a request id or any
 * other span attribute value. {@code ?format=text} gives what {@code ./tessera trace} prints;
 * {@code &wait=S} holds the answer up to S seconds until the trace has settled ({@link
 * TraceStore#settled}), since right after a request its applications have not all exported yet.
 */
final class TracePage {

  /** No span for this long (three export intervals of {@code ./tessera up}): the trace is whole. */
  static final Duration QUIET = Duration.ofMillis(1500);

  /** The longest {@code wait} honoured, in seconds. */
  static final int MAX_WAIT_SECONDS = 30;

  /**
   * Answers held at once, at most: fewer than the page's threads ({@link MailPage}), so that
   * however many {@code wait}s arrive, threads are left for the exports that settle the traces.
   * Beyond it, a request is answered at once with what the store has.
   */
  static final int MAX_HELD = 2;

  private static final Duration POLL = Duration.ofMillis(100);

  private final TraceStore store;
  private final Semaphore held = new Semaphore(MAX_HELD);

  TracePage(TraceStore store) {
    this.store = store;
  }

  void handle(HttpExchange exchange) throws IOException {
    try (exchange) {
      String path = exchange.getRequestURI().getPath();
      Map<String, String> query = query(exchange.getRequestURI().getRawQuery());
      boolean text = "text".equals(query.get("format"));
      String id =
          path.length() > "/traces/".length()
              ? URLDecoder.decode(path.substring("/traces/".length()), StandardCharsets.UTF_8)
              : "";
      if (id.isBlank()) {
        respond(exchange, 200, text, text ? listText() : listHtml());
        return;
      }
      Optional<String> traceId = find(id, waitSeconds(query.get("wait")));
      if (traceId.isEmpty()) {
        String missing =
            "no trace for "
                + id
                + " yet: applications export their spans every second or so, and the launcher"
                + " keeps the latest "
                + TraceStore.MAX_TRACES
                + " traces";
        respond(
            exchange,
            404,
            text,
            text ? missing + "\n" : "<p>" + Waterfall.escape(missing) + "</p>");
        return;
      }
      Waterfall waterfall = Waterfall.of(traceId.get(), store.trace(traceId.get()));
      respond(exchange, 200, text, text ? waterfall.text() : waterfall.html());
    }
  }

  private Optional<String> find(String id, int waitSeconds) {
    if (waitSeconds == 0 || !held.tryAcquire()) {
      return store.find(id);
    }
    try {
      return awaitSettled(id, waitSeconds);
    } finally {
      held.release();
    }
  }

  private Optional<String> awaitSettled(String id, int waitSeconds) {
    long deadline = System.nanoTime() + Duration.ofSeconds(waitSeconds).toNanos();
    while (true) {
      Optional<String> traceId = store.find(id);
      if (traceId.isPresent() && store.settled(traceId.get(), QUIET)
          || System.nanoTime() >= deadline) {
        return traceId;
      }
      AppProcess.pause(POLL);
    }
  }

  private static int waitSeconds(String value) {
    if (value == null || !value.matches("[0-9]{1,3}")) {
      return 0;
    }
    return Math.min(Integer.parseInt(value), MAX_WAIT_SECONDS);
  }

  private static Map<String, String> query(String raw) {
    Map<String, String> parameters = new HashMap<>();
    if (raw != null) {
      for (String pair : raw.split("&")) {
        int eq = pair.indexOf('=');
        if (eq > 0) {
          parameters.put(
              URLDecoder.decode(pair.substring(0, eq), StandardCharsets.UTF_8),
              URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
        }
      }
    }
    return parameters;
  }

  private String listText() {
    StringBuilder out = new StringBuilder();
    List<TraceStore.Summary> recent = store.recent(30);
    if (recent.isEmpty()) {
      return "no traces yet\n";
    }
    out.append(
        String.format(
            "%-32s  %-24s %-16s %6s %10s  %s%n",
            "TRACE", "STARTED", "ENTRY", "SPANS", "DURATION", "FIRST SPAN"));
    for (TraceStore.Summary s : recent) {
      out.append(
          String.format(
              "%-32s  %-24s %-16s %6d %10s  %s%s%n",
              s.traceId(),
              instant(s.startEpochNanos()),
              s.rootService(),
              s.spans(),
              Waterfall.millis(s.durationNanos()),
              s.rootName(),
              s.error() ? "  (error)" : ""));
    }
    return out.toString();
  }

  private String listHtml() {
    StringBuilder page =
        new StringBuilder(
            "<!doctype html><meta charset=utf-8><title>Tessera traces</title>"
                + "<p><a href=/>mail</a></p><h1>Recent traces</h1>"
                + "<form action=/traces/ onsubmit=\"location='/traces/'+"
                + "encodeURIComponent(this.q.value);return false\">"
                + "<input name=q size=40 placeholder='trace id, order id or request id'>"
                + " <button>show</button></form><table border=1 cellpadding=4>"
                + "<tr><th>started<th>entry<th>first span<th>spans<th>apps<th>duration<th>");
    for (TraceStore.Summary s : store.recent(200)) {
      page.append("<tr><td>")
          .append(instant(s.startEpochNanos()))
          .append("<td>")
          .append(Waterfall.escape(s.rootService()))
          .append("<td><a href=/traces/")
          .append(s.traceId())
          .append('>')
          .append(Waterfall.escape(s.rootName()))
          .append("</a><td>")
          .append(s.spans())
          .append("<td>")
          .append(s.services())
          .append("<td>")
          .append(Waterfall.millis(s.durationNanos()))
          .append("<td>")
          .append(s.error() ? "error" : "");
    }
    page.append("</table>");
    return page.toString();
  }

  private static String instant(long epochNanos) {
    return Instant.ofEpochSecond(0, epochNanos).toString();
  }

  private static void respond(HttpExchange exchange, int status, boolean text, String body)
      throws IOException {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    exchange
        .getResponseHeaders()
        .set("Content-Type", text ? "text/plain; charset=utf-8" : "text/html; charset=utf-8");
    exchange.sendResponseHeaders(status, bytes.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(bytes);
    }
  }
}
