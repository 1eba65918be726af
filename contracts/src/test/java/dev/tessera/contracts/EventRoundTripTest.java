package dev.tessera.contracts;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * What a producer writes with {@link EventCodec} is what the schema promises and a consumer reads.
 */
class EventRoundTripTest {

  static List<IntegrationEvent> events() {
    return SampleEvents.all();
  }

  @Test
  void the_samples_cover_every_event_type() {
    assertThat(
            events().stream().<EventType<?>>map(event -> EventTypes.of(event.getClass())).toList())
        .containsExactlyElementsOf(EventTypes.all());
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("events")
  void every_event_serialises_to_json_that_validates_against_its_schema(IntegrationEvent event)
      throws IOException {
    JsonNode json = Schemas.JSON.readTree(EventCodec.toJson(event));

    assertThat(Schemas.errors(schemaOf(event), json)).isEmpty();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("events")
  void every_field_an_event_writes_is_declared_by_its_schema(IntegrationEvent event)
      throws IOException {
    JsonNode json = Schemas.JSON.readTree(EventCodec.toJson(event));

    assertThat(Schemas.undeclaredFields(schemaOf(event), json)).isEmpty();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("events")
  void every_event_reads_back_equal(IntegrationEvent event) {
    assertThat(EventCodec.fromJson(EventCodec.toJson(event), event.getClass())).isEqualTo(event);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("events")
  void no_event_writes_its_aggregate_id_as_a_property(IntegrationEvent event) throws IOException {
    JsonNode json = Schemas.JSON.readTree(EventCodec.toJson(event));

    assertThat(fieldNames(json)).doesNotContain("aggregateId");
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("events")
  void every_event_is_keyed_by_the_id_of_its_topics_aggregate(IntegrationEvent event)
      throws IOException {
    EventType<?> type = EventTypes.of(event.getClass());
    JsonNode json = Schemas.JSON.readTree(EventCodec.toJson(event));

    assertThat(event.aggregateId()).isEqualTo(json.path(type.aggregate() + "Id").asText());
  }

  private static JsonNode schemaOf(IntegrationEvent event) {
    return Schemas.of(EventTypes.of(event.getClass()));
  }

  private static List<String> fieldNames(JsonNode json) {
    List<String> names = new ArrayList<>();
    json.fieldNames().forEachRemaining(names::add);
    return names.stream().sorted().collect(Collectors.toList());
  }
}
