package dev.tessera.launcher;

import com.sun.net.httpserver.HttpExchange;
import java.io.IOException;
import java.io.OutputStream;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * The traces part of the launcher's local page: {@code /traces} lists the recent ones, {@code
 * /traces/ID} shows one as a waterfall, where ID is a trace id, an order id, a request id or any
 * other span attribute value. {@code ?format=text} gives what {@code ./tessera trace} prints.
 */
final class TracePage {

  private final TraceStore store;

  TracePage(TraceStore store) {
    this.store = store;
  }

  void handle(HttpExchange exchange) throws IOException {
    try (exchange) {
      String path = exchange.getRequestURI().getPath();
      boolean text = "format=text".equals(exchange.getRequestURI().getQuery());
      String id =
          path.length() > "/traces/".length()
              ? URLDecoder.decode(path.substring("/traces/".length()), StandardCharsets.UTF_8)
              : "";
      if (id.isBlank()) {
        respond(exchange, 200, text, text ? listText() : listHtml());
        return;
      }
      Optional<String> traceId = store.find(id);
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
