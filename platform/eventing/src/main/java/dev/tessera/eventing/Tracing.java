package dev.tessera.eventing;

import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.propagation.TextMapGetter;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
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
