package dev.tessera.launcher;

import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import com.sun.net.httpserver.HttpExchange;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceResponse;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.resource.v1.Resource;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.proto.trace.v1.ScopeSpans;
import io.opentelemetry.proto.trace.v1.Span;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.zip.GZIPInputStream;

/**
 * The launcher's OTLP/HTTP trace receiver ({@code POST /v1/traces}, binary protobuf, optionally
 * gzipped): what every application of {@code ./tessera up} exports its spans to when no {@code
 * OTEL_EXPORTER_OTLP_ENDPOINT} is set. Spans go to a {@link TraceStore}.
 */
final class OtlpReceiver {

  /** Bodies above this are refused: an export batch of the apps is a few hundred KiB at most. */
  static final int MAX_BODY_BYTES = 16 * 1024 * 1024;

  private static final HexFormat HEX = HexFormat.of();

  private final TraceStore store;

  OtlpReceiver(TraceStore store) {
    this.store = store;
  }

  /** The HTTP handler of {@code /v1/traces}. */
  void handle(HttpExchange exchange) throws IOException {
    try (exchange) {
      if (!"POST".equals(exchange.getRequestMethod())) {
        exchange.getResponseHeaders().set("Allow", "POST");
        exchange.sendResponseHeaders(405, -1);
        return;
      }
      String type = exchange.getRequestHeaders().getFirst("Content-Type");
      if (type == null || !type.toLowerCase(Locale.ROOT).startsWith("application/x-protobuf")) {
        // OTLP/HTTP JSON is valid OTLP too, but the Quarkus exporter sends protobuf only.
        reply(exchange, 415, "text/plain", "send application/x-protobuf".getBytes(UTF8));
        return;
      }
      byte[] body;
      try (InputStream in = body(exchange)) {
        body = in.readNBytes(MAX_BODY_BYTES + 1);
      }
      if (body.length > MAX_BODY_BYTES) {
        reply(exchange, 413, "text/plain", "export too large".getBytes(UTF8));
        return;
      }
      try {
        store.add(decode(ExportTraceServiceRequest.parseFrom(body)));
      } catch (InvalidProtocolBufferException e) {
        reply(
            exchange, 400, "text/plain", ("not an OTLP export: " + e.getMessage()).getBytes(UTF8));
        return;
      }
      reply(
          exchange,
          200,
          "application/x-protobuf",
          ExportTraceServiceResponse.getDefaultInstance().toByteArray());
    }
  }

  private static final java.nio.charset.Charset UTF8 = StandardCharsets.UTF_8;

  private static InputStream body(HttpExchange exchange) throws IOException {
    String encoding = exchange.getRequestHeaders().getFirst("Content-Encoding");
    InputStream in = exchange.getRequestBody();
    return "gzip".equalsIgnoreCase(encoding) ? new GZIPInputStream(in) : in;
  }

  private static void reply(HttpExchange exchange, int status, String type, byte[] body)
      throws IOException {
    exchange.getResponseHeaders().set("Content-Type", type);
    exchange.sendResponseHeaders(status, body.length == 0 ? -1 : body.length);
    if (body.length > 0) {
      try (OutputStream out = exchange.getResponseBody()) {
        out.write(body);
      }
    }
  }

  /** The spans of an export, each with its application's name. */
  static List<TraceStore.Span> decode(ExportTraceServiceRequest request) {
    List<TraceStore.Span> spans = new ArrayList<>();
    for (ResourceSpans resourceSpans : request.getResourceSpansList()) {
      String service = service(resourceSpans.getResource());
      for (ScopeSpans scope : resourceSpans.getScopeSpansList()) {
        for (Span span : scope.getSpansList()) {
          spans.add(decode(service, span));
        }
      }
    }
    return spans;
  }

  private static TraceStore.Span decode(String service, Span span) {
    return new TraceStore.Span(
        hex(span.getTraceId()),
        hex(span.getSpanId()),
        hex(span.getParentSpanId()),
        service,
        span.getName(),
        span.getKind().name().replace("SPAN_KIND_", ""),
        span.getStartTimeUnixNano(),
        span.getEndTimeUnixNano(),
        switch (span.getStatus().getCode()) {
          case STATUS_CODE_OK -> TraceStore.Status.OK;
          case STATUS_CODE_ERROR -> TraceStore.Status.ERROR;
          default -> TraceStore.Status.UNSET;
        },
        span.getStatus().getMessage(),
        attributes(span.getAttributesList()),
        span.getLinksList().stream()
            .map(l -> hex(l.getTraceId()) + "-" + hex(l.getSpanId()))
            .toList());
  }

  /**
   * The application instance ({@code service.instance.id}, e.g. {@code orders-2}, which the
   * launcher sets) or else its {@code service.name} without the {@code tessera-} prefix.
   */
  private static String service(Resource resource) {
    Map<String, String> attributes = attributes(resource.getAttributesList());
    String instance = attributes.get("service.instance.id");
    if (instance != null && !instance.isBlank()) {
      return instance;
    }
    String name = attributes.getOrDefault("service.name", "unknown");
    return name.startsWith("tessera-") ? name.substring("tessera-".length()) : name;
  }

  private static Map<String, String> attributes(List<KeyValue> keyValues) {
    Map<String, String> attributes = new LinkedHashMap<>();
    for (KeyValue kv : keyValues) {
      attributes.put(kv.getKey(), text(kv.getValue()));
    }
    return attributes;
  }

  private static String text(AnyValue value) {
    return switch (value.getValueCase()) {
      case STRING_VALUE -> value.getStringValue();
      case BOOL_VALUE -> Boolean.toString(value.getBoolValue());
      case INT_VALUE -> Long.toString(value.getIntValue());
      case DOUBLE_VALUE -> Double.toString(value.getDoubleValue());
      case ARRAY_VALUE ->
          value.getArrayValue().getValuesList().stream()
              .map(OtlpReceiver::text)
              .collect(Collectors.joining(",", "[", "]"));
      case BYTES_VALUE -> hex(value.getBytesValue());
      default -> value.toString().strip();
    };
  }

  private static String hex(ByteString bytes) {
    return HEX.formatHex(bytes.toByteArray());
  }
}
