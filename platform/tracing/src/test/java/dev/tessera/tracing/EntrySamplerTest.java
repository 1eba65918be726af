package dev.tessera.tracing;

import static org.assertj.core.api.Assertions.assertThat;

import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.TraceFlags;
import io.opentelemetry.api.trace.TraceState;
import io.opentelemetry.context.Context;
import io.opentelemetry.sdk.trace.samplers.SamplingDecision;
import java.util.List;
import org.junit.jupiter.api.Test;

class EntrySamplerTest {

  private static final String TRACE_ID = "4bf92f3577b34da6a3ce929d0e0e4736";
  private static final Attributes POSTGRES =
      Attributes.of(AttributeKey.stringKey("db.system"), "postgresql");
  private static final Attributes REDIS_STABLE_NAME =
      Attributes.of(AttributeKey.stringKey("db.system.name"), "redis");

  private final EntrySampler everyTrace = new EntrySampler(1.0);

  @Test
  void a_database_command_that_nothing_encloses_starts_no_trace() {
    assertThat(decide(everyTrace, Context.root(), SpanKind.CLIENT, POSTGRES))
        .isEqualTo(SamplingDecision.DROP);
    assertThat(decide(everyTrace, Context.root(), SpanKind.CLIENT, REDIS_STABLE_NAME))
        .isEqualTo(SamplingDecision.DROP);
  }

  @Test
  void a_database_command_inside_a_kept_trace_is_kept() {
    assertThat(decide(everyTrace, parent(TraceFlags.getSampled()), SpanKind.CLIENT, POSTGRES))
        .isEqualTo(SamplingDecision.RECORD_AND_SAMPLE);
  }

  @Test
  void a_database_command_inside_a_trace_left_out_is_left_out() {
    assertThat(decide(everyTrace, parent(TraceFlags.getDefault()), SpanKind.CLIENT, POSTGRES))
        .isEqualTo(SamplingDecision.DROP);
  }

  @Test
  void requests_events_and_other_client_calls_start_traces_at_the_configured_share() {
    for (SpanKind entry : List.of(SpanKind.SERVER, SpanKind.CONSUMER, SpanKind.INTERNAL)) {
      assertThat(decide(everyTrace, Context.root(), entry, POSTGRES))
          .as("%s", entry)
          .isEqualTo(SamplingDecision.RECORD_AND_SAMPLE);
    }
    // The payment provider's charge from the retry job, an e-mail sent by the sender's pass.
    assertThat(decide(everyTrace, Context.root(), SpanKind.CLIENT, Attributes.empty()))
        .isEqualTo(SamplingDecision.RECORD_AND_SAMPLE);
    assertThat(decide(new EntrySampler(0.0), Context.root(), SpanKind.SERVER, Attributes.empty()))
        .isEqualTo(SamplingDecision.DROP);
  }

  private static SamplingDecision decide(
      EntrySampler sampler, Context parent, SpanKind kind, Attributes attributes) {
    return sampler
        .shouldSample(parent, TRACE_ID, "span", kind, attributes, List.of())
        .getDecision();
  }

  private static Context parent(TraceFlags flags) {
    SpanContext remote =
        SpanContext.createFromRemoteParent(
            TRACE_ID, "00f067aa0ba902b7", flags, TraceState.getDefault());
    return Context.root().with(Span.wrap(remote));
  }
}
