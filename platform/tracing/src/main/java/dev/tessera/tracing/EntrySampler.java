package dev.tessera.tracing;

import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.context.Context;
import io.opentelemetry.sdk.trace.data.LinkData;
import io.opentelemetry.sdk.trace.samplers.Sampler;
import io.opentelemetry.sdk.trace.samplers.SamplingResult;
import io.quarkus.arc.Unremovable;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import java.util.List;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Every application's sampler: a trace starts where work enters it (a request, an event, a job's
 * own span), never at a database or Redis command that nothing encloses.
 *
 * <p>Background housekeeping issues such commands all the time — the replica monitor's position
 * checks (eight a second), the outbox sweep, the retry jobs' polls, the revocation seed check — and
 * each one, traced, was a trace of its own: ~10 a second per service, with no traffic at all.
 * Locally they pushed a user's order out of the launcher's trace store within a minute; in a
 * cluster a tenth of them were exported, stored and paid for, for nothing. A command inside a
 * request, an event or a job's span follows its parent, as before.
 *
 * <p>Otherwise it samples as {@code parentbased_traceidratio} with {@code
 * quarkus.otel.traces.sampler.arg}: a trace is kept whole or not at all. Quarkus uses a {@link
 * Sampler} bean instead of the sampler its configuration names, and still wraps it in the filter of
 * {@code quarkus.otel.traces.suppress-non-application-uris}.
 */
@Singleton
@Unremovable
public class EntrySampler implements Sampler {

  // Set on a database or Redis client span when it starts, before the sampler decides: the
  // semantic conventions' old name and the stable one.
  private static final AttributeKey<String> DB_SYSTEM = AttributeKey.stringKey("db.system");
  private static final AttributeKey<String> DB_SYSTEM_NAME =
      AttributeKey.stringKey("db.system.name");

  private final Sampler entries;

  @Inject
  EntrySampler(
      @ConfigProperty(name = "quarkus.otel.traces.sampler.arg", defaultValue = "1.0")
          double ratio) {
    this.entries = Sampler.parentBased(Sampler.traceIdRatioBased(ratio));
  }

  @Override
  public SamplingResult shouldSample(
      Context parentContext,
      String traceId,
      String name,
      SpanKind spanKind,
      Attributes attributes,
      List<LinkData> parentLinks) {
    if (spanKind == SpanKind.CLIENT
        && !Span.fromContext(parentContext).getSpanContext().isValid()
        && (attributes.get(DB_SYSTEM) != null || attributes.get(DB_SYSTEM_NAME) != null)) {
      return SamplingResult.drop();
    }
    return entries.shouldSample(parentContext, traceId, name, spanKind, attributes, parentLinks);
  }

  @Override
  public String getDescription() {
    return "EntrySampler{no trace from a lone database command, then "
        + entries.getDescription()
        + "}";
  }
}
