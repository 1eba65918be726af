package dev.tessera.eventing.it;

import static dev.tessera.eventing.it.EventingTestSupport.SERVICE;
import static dev.tessera.eventing.it.EventingTestSupport.servers;
import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;

import dev.tessera.cdc.OutboxConnector;
import dev.tessera.testing.TesseraTestResource;
import dev.tessera.testing.TopicReader;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import org.eclipse.microprofile.config.ConfigProvider;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/**
 * The replication slot is the service's, made when it starts: what it records before anyone
 * registers a connector is still published.
 *
 * <p>The class has a slot, connector and topic of its own (the test database is shared with the
 * other classes, whose connector would otherwise publish the event too), and removes them after.
 */
@QuarkusTest
@QuarkusTestResource(
    value = TesseraTestResource.class,
    initArgs = @ResourceArg(name = "service", value = EventingTestSupport.SERVICE))
@TestProfile(CaptureBeforeConnectorTest.OwnSlot.class)
class CaptureBeforeConnectorTest {

  static final String SLOT = "tessera_capturefirst_outbox";
  static final String CONNECTOR = "tessera-capturefirst-outbox";
  static final String TOPIC = "capturefirst.user.events";

  /** Points the service at a slot of this class's own. */
  public static class OwnSlot implements QuarkusTestProfile {
    @Override
    public Map<String, String> getConfigOverrides() {
      return Map.of("tessera.eventing.capture.slot", SLOT);
    }
  }

  @Test
  void an_event_recorded_before_any_connector_exists_is_published_once_one_is_registered() {
    UUID userId = UUID.randomUUID();
    given()
        .queryParam("userId", userId)
        .queryParam("displayName", "Early")
        .post("/registrations")
        .then()
        .statusCode(200);

    try (var reader = new TopicReader(servers().kafka().bootstrapServers(), TOPIC)) {
      registerConnector();
      await()
          .atMost(Duration.ofSeconds(90))
          .until(() -> reader.withKey(userId.toString()).size() == 1);
    }
  }

  @AfterAll
  static void removeConnectorAndSlot() throws Exception {
    servers().connect().deleteConnector(CONNECTOR);
    try (Connection c = servers().postgres().connectAsSuperuser("postgres");
        PreparedStatement drop =
            c.prepareStatement(
                "select count(pg_drop_replication_slot(slot_name)) from pg_replication_slots"
                    + " where slot_name = ? and not active")) {
      drop.setString(1, SLOT);
      // The slot stays active until the deleted connector's task has stopped.
      await()
          .atMost(Duration.ofSeconds(60))
          .until(
              () -> {
                try (ResultSet r = drop.executeQuery()) {
                  return r.next() && r.getInt(1) == 1 || !slotExists(c);
                }
              });
    }
  }

  private static boolean slotExists(Connection c) throws Exception {
    try (PreparedStatement p =
        c.prepareStatement("select 1 from pg_replication_slots where slot_name = ?")) {
      p.setString(1, SLOT);
      try (ResultSet r = p.executeQuery()) {
        return r.next();
      }
    }
  }

  /** The service's real connector config, on this class's slot and topic. */
  private static void registerConnector() {
    var config = ConfigProvider.getConfig();
    String jdbcUrl = config.getValue("quarkus.datasource.jdbc.url", String.class);
    Map<String, String> connector =
        new LinkedHashMap<>(
            new OutboxConnector(SERVICE)
                .config(
                    new OutboxConnector.Database(
                        servers().postgres().hostForConnect(),
                        servers().postgres().portForConnect(),
                        jdbcUrl.substring(jdbcUrl.lastIndexOf('/') + 1),
                        config.getValue("quarkus.datasource.username", String.class),
                        config.getValue("quarkus.datasource.password", String.class))));
    connector.put("name", CONNECTOR);
    connector.put("slot.name", SLOT);
    connector.put("topic.prefix", "tessera.capturefirst");
    connector.put(
        "transforms.outbox.route.topic.replacement", "capturefirst.${routedByValue}.events");
    servers().connect().createOrUpdateConnector(CONNECTOR, connector);
    servers().connect().awaitConnectorRunning(CONNECTOR, Duration.ofSeconds(60));
  }
}
