package dev.tessera.launcher;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * A trace as a waterfall: its spans in causal order (each after its parent, siblings by start),
 * with the application, the span, its start offset from the trace's first span, its duration and
 * status. {@link #text} is what {@code ./tessera trace} prints; {@link #html} the local page.
 */
public final class Waterfall {

  /** One row: a span and its depth in the tree. */
  public record Row(TraceStore.Span span, int depth, long offsetNanos) {}

  private static final int NAME_WIDTH = 52;
  private static final int BAR_WIDTH = 30;

  private final String traceId;
  private final List<Row> rows;
  private final long startNanos;
  private final long durationNanos;

  private Waterfall(String traceId, List<Row> rows, long startNanos, long durationNanos) {
    this.traceId = traceId;
    this.rows = rows;
    this.startNanos = startNanos;
    this.durationNanos = durationNanos;
  }

  /** The waterfall of a trace's spans (in any order). */
  public static Waterfall of(String traceId, List<TraceStore.Span> spans) {
    long start = spans.stream().mapToLong(TraceStore.Span::startEpochNanos).min().orElse(0);
    long end = spans.stream().mapToLong(TraceStore.Span::endEpochNanos).max().orElse(start);
    Map<String, TraceStore.Span> byId = new HashMap<>();
    spans.forEach(s -> byId.put(s.spanId(), s));
    Map<String, List<TraceStore.Span>> children = new HashMap<>();
    List<TraceStore.Span> roots = new ArrayList<>();
    for (TraceStore.Span span : spans) {
      // A span whose parent never arrived (not exported yet, or dropped) is shown as a root.
      if (span.parentSpanId().isEmpty() || !byId.containsKey(span.parentSpanId())) {
        roots.add(span);
      } else {
        children.computeIfAbsent(span.parentSpanId(), p -> new ArrayList<>()).add(span);
      }
    }
    Comparator<TraceStore.Span> byStart =
        Comparator.comparingLong(TraceStore.Span::startEpochNanos)
            .thenComparing(TraceStore.Span::spanId);
    roots.sort(byStart);
    children.values().forEach(list -> list.sort(byStart));
    List<Row> rows = new ArrayList<>();
    Set<String> seen = new HashSet<>();
    for (TraceStore.Span root : roots) {
      walk(root, 0, start, children, rows, seen);
    }
    return new Waterfall(traceId, List.copyOf(rows), start, end - start);
  }

  private static void walk(
      TraceStore.Span span,
      int depth,
      long start,
      Map<String, List<TraceStore.Span>> children,
      List<Row> rows,
      Set<String> seen) {
    if (!seen.add(span.spanId())) {
      return; // a malformed export with a cycle must not loop forever
    }
    rows.add(new Row(span, depth, span.startEpochNanos() - start));
    for (TraceStore.Span child : children.getOrDefault(span.spanId(), List.of())) {
      walk(child, depth + 1, start, children, rows, seen);
    }
  }

  public List<Row> rows() {
    return rows;
  }

  public String traceId() {
    return traceId;
  }

  /** From the first span's start to the last span's end. */
  public long durationNanos() {
    return durationNanos;
  }

  public long startEpochNanos() {
    return startNanos;
  }

  /** The applications in the order they first appear. */
  public List<String> services() {
    Set<String> services = new LinkedHashSet<>();
    rows.forEach(r -> services.add(r.span().service()));
    return List.copyOf(services);
  }

  /** The terminal form: one line per span, indented by depth, with a bar on the time axis. */
  public String text() {
    StringBuilder out = new StringBuilder();
    out.append(
        String.format(
            Locale.ROOT,
            "trace %s · %d spans · %s · %s%n%n",
            traceId,
            rows.size(),
            String.join(" → ", services()),
            millis(durationNanos)));
    out.append(
        String.format(
            Locale.ROOT,
            "%-16s %-" + NAME_WIDTH + "s %10s %10s  %-6s %s%n",
            "SERVICE",
            "SPAN",
            "START",
            "DURATION",
            "STATUS",
            ""));
    for (Row row : rows) {
      TraceStore.Span span = row.span();
      String name = "  ".repeat(row.depth()) + span.name();
      if (name.length() > NAME_WIDTH) {
        name = name.substring(0, NAME_WIDTH - 1) + "…";
      }
      out.append(
          String.format(
              Locale.ROOT,
              "%-16s %-" + NAME_WIDTH + "s %10s %10s  %-6s %s%n",
              span.service(),
              name,
              "+" + millis(row.offsetNanos()),
              millis(span.durationNanos()),
              span.status().name(),
              bar(row.offsetNanos(), span.durationNanos())));
      if (span.status() == TraceStore.Status.ERROR) {
        String problem = span.attribute("tessera.problem.type");
        String detail =
            problem != null
                ? "problem " + problem
                : span.statusMessage().isBlank() ? "" : span.statusMessage();
        if (!detail.isEmpty()) {
          out.append(" ".repeat(17 + 2 * row.depth())).append("↳ ").append(detail).append('\n');
        }
      }
    }
    return out.toString();
  }

  private String bar(long offset, long duration) {
    if (durationNanos <= 0) {
      return "|";
    }
    int from = (int) Math.min(BAR_WIDTH - 1, offset * BAR_WIDTH / durationNanos);
    int length = (int) Math.max(1, Math.round((double) duration * BAR_WIDTH / durationNanos));
    length = Math.min(length, BAR_WIDTH - from);
    return "|"
        + " ".repeat(from)
        + "█".repeat(length)
        + " ".repeat(BAR_WIDTH - from - length)
        + "|";
  }

  /** The local page's form: a table with bars, and each span's main attributes. */
  public String html() {
    StringBuilder page = new StringBuilder();
    page.append("<!doctype html><meta charset=utf-8><title>Tessera trace ")
        .append(traceId)
        .append("</title><style>body{font-family:sans-serif}td{padding:2px 6px;")
        .append("vertical-align:top}.bar{position:relative;width:360px;height:12px;")
        .append("background:#eee}.bar div{position:absolute;height:12px;background:#4a7}")
        .append(".error .bar div{background:#c33}.attrs{color:#555;font-size:80%}</style>")
        .append("<p><a href=/traces>all traces</a> · <a href=/>mail</a></p><h1>Trace <code>")
        .append(traceId)
        .append("</code></h1><p>")
        .append(rows.size())
        .append(" spans · ")
        .append(escape(String.join(" → ", services())))
        .append(" · ")
        .append(millis(durationNanos))
        .append("</p><table><tr><th>service<th>span<th>start<th>duration<th>status<th>");
    for (Row row : rows) {
      TraceStore.Span span = row.span();
      double left = durationNanos <= 0 ? 0 : 100.0 * row.offsetNanos() / durationNanos;
      double width =
          durationNanos <= 0 ? 100 : Math.max(0.3, 100.0 * span.durationNanos() / durationNanos);
      StringBuilder attrs = new StringBuilder();
      TraceStore.glance(span)
          .forEach((k, v) -> attrs.append(escape(k)).append('=').append(escape(v)).append("<br>"));
      page.append("<tr class=")
          .append(span.status() == TraceStore.Status.ERROR ? "error" : "ok")
          .append("><td>")
          .append(escape(span.service()))
          .append("<td style='padding-left:")
          .append(6 + 14 * row.depth())
          .append("px'>")
          .append(escape(span.name()))
          .append("<div class=attrs>")
          .append(attrs)
          .append("</div><td>+")
          .append(millis(row.offsetNanos()))
          .append("<td>")
          .append(millis(span.durationNanos()))
          .append("<td>")
          .append(span.status())
          .append("<td><div class=bar><div style='left:")
          .append(String.format(Locale.ROOT, "%.2f", Math.min(left, 99.7)))
          .append("%;width:")
          .append(String.format(Locale.ROOT, "%.2f", Math.min(width, 100 - Math.min(left, 99.7))))
          .append("%'></div></div>");
    }
    page.append("</table>");
    return page.toString();
  }

  static String millis(long nanos) {
    return String.format(Locale.ROOT, "%.1f ms", nanos / 1e6);
  }

  static String escape(Object value) {
    return String.valueOf(value)
        .replace("&", "&amp;")
        .replace("<", "&lt;")
        .replace(">", "&gt;")
        .replace("\"", "&quot;")
        .replace("'", "&#39;");
  }
}
