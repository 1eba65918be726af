{{#consumesAny}}
package dev.tessera.{{service}}.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tessera.contracts.EventType;
import dev.tessera.contracts.EventTypes;
import dev.tessera.testing.EventRecords;
import dev.tessera.testing.ServiceDatabase;
import dev.tessera.testing.TestTokens;
import dev.tessera.testing.TesseraTestResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.junit.QuarkusTest;
import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * The consumer of every topic {{service}} reads, on a real Kafka and PostgreSQL: each event is
 * applied once, however often it is delivered. The events are the examples of their JSON Schemas
 * in contracts/, sent as the producer's connector sends them.
 */
@QuarkusTest
@QuarkusTestResource(
    value = TesseraTestResource.class,
    initArgs = @ResourceArg(name = "service", value = "{{service}}"))
@QuarkusTestResource(TestTokens.class)
class ConsumedEventsTest {
{{#consumes}}
{{#types}}

  @Test
  void a_{{Type}}_delivered_twice_is_applied_once() {
    assertAppliedOnce(EventTypes.{{TYPE}});
  }
{{/types}}
{{/consumes}}

  private static void assertAppliedOnce(EventType<?> type) {
    UUID eventId = UUID.randomUUID();
    String payload = example(type);
    produce(type, eventId, payload);
    produce(type, eventId, payload);

    await()
        .atMost(Duration.ofSeconds(30))
        .until(() -> count("select count(*) from inbox where event_id = ?", eventId) == 1);
    // A third delivery after the first was applied: still one row of what the handler did.
    produce(type, eventId, payload);
    await()
        .during(Duration.ofSeconds(2))
        .atMost(Duration.ofSeconds(10))
        .until(() -> count("select count(*) from received_event where event_id = ?", eventId) == 1);
    assertThat(
            count(
                "select count(*) from received_event where event_id = ? and event_type = ?",
                eventId,
                type.name()))
        .isEqualTo(1);
  }

  /** The first example of the event type's JSON Schema (contracts/src/main/resources/schemas). */
  private static String example(EventType<?> type) {
    String schema = "/" + type.schemaResource();
    try (InputStream in = EventTypes.class.getResourceAsStream(schema)) {
      assertThat(in).as(schema).isNotNull();
      var json = new ObjectMapper().readTree(in.readAllBytes());
      return json.get("examples").get(0).toString();
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  private static void produce(EventType<?> type, UUID eventId, String payload) {
    EventRecords.send(type.topic(), eventId.toString(), eventId.toString(), type.name(), payload);
  }

  private static int count(String sql, Object... parameters) {
    return ServiceDatabase.count(sql, parameters);
  }
}
{{/consumesAny}}
