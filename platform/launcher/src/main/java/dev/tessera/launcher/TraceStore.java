package dev.tessera.launcher;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.LongSupplier;
import java.util.regex.Pattern;

/**
 * The recent traces that the applications of {@code ./tessera up} exported to the launcher's OTLP
 * receiver, in memory: at most {@link #MAX_TRACES} traces (the oldest go first) of at most {@link
 * #MAX_SPANS_PER_TRACE} spans each, so a long run never grows the launcher's heap.
 */
public final class TraceStore {

  /** Traces kept; beyond, the trace seen first is forgotten. */
  public static final int MAX_TRACES = 2000;

  /** Spans kept per trace; later ones are dropped (and counted). */
  public static final int MAX_SPANS_PER_TRACE = 1000;

  private static final Pattern TRACE_ID = Pattern.compile("[0-9a-f]{32}");

  /** One finished span, as the receiver decoded it. */
  public record Span(
      String traceId,
      String spanId,
      String parentSpanId,
      String service,
      String name,
      String kind,
      long startEpochNanos,
      long endEpochNanos,
      Status status,
      String statusMessage,
      Map<String, String> attributes,
      List<String> links) {

    public Span {
      attributes = Map.copyOf(attributes);
      links = List.copyOf(links);
    }

    public long durationNanos() {
      return Math.max(0, endEpochNanos - startEpochNanos);
    }

    /** The value of an attribute, or null. */
    public String attribute(String key) {
      return attributes.get(key);
    }
  }

  /** A span's status, as OTLP has it. */
  public enum Status {
    UNSET,
    OK,
    ERROR
  }

  // Insertion order is the order traces were first seen: the eldest is evicted first.
  private final LinkedHashMap<String, List<Span>> traces = new LinkedHashMap<>();
  // When a span of each trace last arrived (System.nanoTime), evicted with its trace.
  private final Map<String, Long> lastArrival = new HashMap<>();
  private final LongSupplier clock;
  private long dropped;

  public TraceStore() {
    this(System::nanoTime);
  }

  TraceStore(LongSupplier clock) {
    this.clock = clock;
  }

  /** Adds spans (of any traces), as one export carries them. */
  public synchronized void add(Collection<Span> spans) {
    long now = clock.getAsLong();
    for (Span span : spans) {
      List<Span> trace = traces.computeIfAbsent(span.traceId(), id -> new ArrayList<>());
      if (trace.size() >= MAX_SPANS_PER_TRACE) {
        dropped++;
        continue;
      }
      trace.add(span);
      lastArrival.put(span.traceId(), now);
    }
    while (traces.size() > MAX_TRACES) {
      String eldest = traces.keySet().iterator().next();
      traces.remove(eldest);
      lastArrival.remove(eldest);
    }
  }

  /**
   * Whether a trace looks whole: its root span (one without a parent, which its entry application
   * exports last, when the request has been answered) has arrived, and no span has for {@code
   * quiet}. Applications export on their own schedules, so right after a request its trace is
   * usually in pieces; a trace continued from a client's {@code traceparent} has no root here and
   * is never settled.
   */
  public synchronized boolean settled(String traceId, Duration quiet) {
    List<Span> spans = traces.get(traceId);
    if (spans == null || spans.stream().noneMatch(s -> s.parentSpanId().isEmpty())) {
      return false;
    }
    return clock.getAsLong() - lastArrival.get(traceId) >= quiet.toNanos();
  }

  /** Spans refused because their trace was full. */
  public synchronized long dropped() {
    return dropped;
  }

  /** The spans of a trace, in start order (empty when unknown). */
  public synchronized List<Span> trace(String traceId) {
    List<Span> spans = new ArrayList<>(traces.getOrDefault(traceId, List.of()));
    spans.sort(Comparator.comparingLong(Span::startEpochNanos));
    return spans;
  }

  /**
   * The trace that {@code id} names: a trace id (32 hex digits), or else the latest trace with a
   * span attribute of exactly that value — an order id (the Kafka key of its events), a request id
   * ({@code X-Request-Id}), a user id.
   */
  public synchronized Optional<String> find(String id) {
    String wanted = id.strip();
    String lower = wanted.toLowerCase(Locale.ROOT);
    if (TRACE_ID.matcher(lower).matches() && traces.containsKey(lower)) {
      return Optional.of(lower);
    }
    List<String> ids = new ArrayList<>(traces.keySet());
    for (int i = ids.size() - 1; i >= 0; i--) {
      for (Span span : traces.get(ids.get(i))) {
        if (span.attributes().containsValue(wanted)) {
          return Optional.of(ids.get(i));
        }
      }
    }
    return Optional.empty();
  }

  /** A line per recent trace, latest first: what {@code ./tessera trace} lists without an id. */
  public synchronized List<Summary> recent(int limit) {
    List<Summary> summaries = new ArrayList<>();
    List<String> ids = new ArrayList<>(traces.keySet());
    for (int i = ids.size() - 1; i >= 0 && summaries.size() < limit; i--) {
      summaries.add(summarize(ids.get(i), traces.get(ids.get(i))));
    }
    return summaries;
  }

  private static Summary summarize(String traceId, List<Span> spans) {
    Map<String, Span> byId = new HashMap<>();
    spans.forEach(s -> byId.put(s.spanId(), s));
    Span root =
        spans.stream()
            .filter(s -> s.parentSpanId().isEmpty() || !byId.containsKey(s.parentSpanId()))
            .min(Comparator.comparingLong(Span::startEpochNanos))
            .orElse(spans.get(0));
    long start = spans.stream().mapToLong(Span::startEpochNanos).min().orElse(0);
    long end = spans.stream().mapToLong(Span::endEpochNanos).max().orElse(0);
    boolean error = spans.stream().anyMatch(s -> s.status() == Status.ERROR);
    long services = spans.stream().map(Span::service).distinct().count();
    return new Summary(
        traceId, root.service(), root.name(), start, end - start, spans.size(), services, error);
  }

  /** One trace in a list. */
  public record Summary(
      String traceId,
      String rootService,
      String rootName,
      long startEpochNanos,
      long durationNanos,
      int spans,
      long services,
      boolean error) {}

  /** Keys of the attributes every span shows first in a waterfall's details, when present. */
  static final List<String> HIGHLIGHTED =
      List.of(
          "http.request.method",
          "http.route",
          "url.path",
          "http.response.status_code",
          "messaging.destination.name",
          "messaging.consumer.group.name",
          "messaging.kafka.message.key",
          "tessera.problem.type",
          "tessera.request_id",
          "tessera.outcome");

  /** The attributes of {@code span} worth a glance, highlighted ones first. */
  static Map<String, String> glance(Span span) {
    Map<String, String> shown = new LinkedHashMap<>();
    for (String key : HIGHLIGHTED) {
      String value = span.attribute(key);
      if (value != null) {
        shown.put(key, value);
      }
    }
    return shown;
  }
}
