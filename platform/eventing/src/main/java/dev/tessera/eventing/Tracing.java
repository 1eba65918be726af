package dev.tessera.eventing;

import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.Scope;
import io.opentelemetry.context.propagation.TextMapGetter;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executor;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;

/** W3C trace context in the event envelope: written by the outbox, read by the consumer. */
public final class Tracing {

  private Tracing() {}

  /** The {@code traceparent} value of a span, or null when tracing is off (no valid context). */
  public static String traceparent(SpanContext context) {
    if (!context.isValid()) {
      return null;
    }
    return "00-"
        + context.getTraceId()
        + "-"
        + context.getSpanId()
        + "-"
        + context.getTraceFlags().asHex();
  }

  /**
   * Runs tasks on {@code vertxContext} (a duplicated context of the caller's own) with {@code
   * trace} current there: every continuation on that context, however late, sees the trace, and
   * spans started there (SQL, the outbox's publish span, the payment provider's call) join it. The
   * trace stays attached to the context, which is dropped with the work it ran; that is why it must
   * be a duplicated context no other work shares.
   */
  public static Executor continuing(io.vertx.core.Context vertxContext, Context trace) {
    return task ->
        vertxContext.runOnContext(
            ignored -> {
              // Never closed, on purpose: see above.
              @SuppressWarnings({"resource", "unused"})
              Scope attached = trace.makeCurrent();
              task.run();
            });
  }

  /**
   * The trace context of a stored {@code traceparent} (see {@link #traceparent}), as the parent of
   * work done later on its behalf; the root context when there is none.
   */
  public static Context fromTraceparent(String traceparent) {
    if (traceparent == null || traceparent.isBlank()) {
      return Context.root();
    }
    return W3CTraceContextPropagator.getInstance()
        .extract(Context.root(), traceparent, TRACEPARENT_VALUE);
  }

  private static final TextMapGetter<String> TRACEPARENT_VALUE =
      new TextMapGetter<>() {
        @Override
        public Iterable<String> keys(String carrier) {
          return List.of("traceparent");
        }

        @Override
        public String get(String carrier, String key) {
          return "traceparent".equals(key) ? carrier : null;
        }
      };

  /** The trace context carried by a record's headers, as the parent of the handler's span. */
  public static Context extract(Headers headers) {
    return W3CTraceContextPropagator.getInstance().extract(Context.root(), headers, KAFKA_HEADERS);
  }

  private static final TextMapGetter<Headers> KAFKA_HEADERS =
      new TextMapGetter<>() {
        @Override
        public Iterable<String> keys(Headers carrier) {
          List<String> keys = new ArrayList<>();
          for (Header header : carrier) {
            keys.add(header.key());
          }
          return keys;
        }

        @Override
        public String get(Headers carrier, String key) {
          if (carrier == null) {
            return null;
          }
          Header header = carrier.lastHeader(key);
          return header == null || header.value() == null
              ? null
              : new String(header.value(), StandardCharsets.UTF_8);
        }
      };
}
