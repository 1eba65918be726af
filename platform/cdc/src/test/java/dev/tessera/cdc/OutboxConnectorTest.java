package dev.tessera.cdc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class OutboxConnectorTest {

  private final OutboxConnector.Database db =
      new OutboxConnector.Database("db.local", 5432, "orders", "orders", "s3cret");

  @Test
  void names_everything_after_the_service() {
    var connector = new OutboxConnector("orders");
    assertThat(connector.name()).isEqualTo("tessera-orders-outbox");
    assertThat(connector.slotName()).isEqualTo("tessera_orders_outbox");
    assertThat(connector.topicFor("order")).isEqualTo("orders.order.events");
  }

  @Test
  void routes_each_aggregate_type_to_the_service_topic_keyed_by_aggregate_id() {
    var config = new OutboxConnector("orders").config(db);
    assertThat(config)
        .containsEntry("name", "tessera-orders-outbox")
        .containsEntry("transforms.outbox.type", "io.debezium.transforms.outbox.EventRouter")
        .containsEntry("transforms.outbox.route.by.field", "aggregatetype")
        .containsEntry(
            "transforms.outbox.route.topic.replacement", "orders.${routedByValue}.events")
        .containsEntry("transforms.outbox.table.field.event.key", "aggregateid")
        .containsEntry(
            "transforms.outbox.table.fields.additional.placement",
            "type:header:eventType,traceparent:header:traceparent")
        .containsEntry("table.include.list", "public.outbox")
        .containsEntry("publication.name", OutboxConnector.PUBLICATION)
        .containsEntry("slot.name", "tessera_orders_outbox")
        .containsEntry("database.dbname", "orders");
  }

  @Test
  void hands_each_change_to_connect_as_soon_as_it_is_decoded() {
    assertThat(new OutboxConnector("billing").config(db))
        .containsEntry("max.batch.size", "1")
        .containsEntry("poll.interval.ms", "25");
  }

  @Test
  void uses_the_services_slot_stops_on_a_gap_and_keeps_an_idle_slot_moving() {
    var connector = new OutboxConnector("identity");
    assertThat(connector.config(db))
        .containsEntry("publication.autocreate.mode", "disabled")
        .containsEntry("offset.mismatch.strategy", "trust_offset")
        .containsEntry("heartbeat.interval.ms", "2000")
        .containsEntry("heartbeat.action.query", OutboxConnector.HEARTBEAT_QUERY);
    assertThat(connector.heartbeatTopic()).isEqualTo("__debezium-heartbeat.tessera.identity");
  }

  @Test
  void a_second_database_of_a_service_has_its_own_connector_and_slot_and_the_same_topics() {
    var db = new OutboxConnector.Database("orders2-rw", 5432, "orders", "orders", "pw");
    var second = new OutboxConnector("orders", "orders2");
    var first = new OutboxConnector("orders");

    assertThat(second.name()).isEqualTo("tessera-orders2-outbox").isNotEqualTo(first.name());
    assertThat(second.slotName()).isEqualTo("tessera_orders2_outbox");
    assertThat(second.topicPrefix()).isEqualTo("tessera.orders2");
    assertThat(second.topicFor("order")).isEqualTo(first.topicFor("order"));
    assertThat(second.config(db))
        .containsEntry(
            "transforms.outbox.route.topic.replacement", "orders.${routedByValue}.events")
        .containsEntry("slot.name", "tessera_orders2_outbox");
    assertThatThrownBy(() -> new OutboxConnector("orders", "orders-2"))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void rejects_a_service_name_that_cannot_name_a_replication_slot() {
    assertThatThrownBy(() -> new OutboxConnector("Order-Service"))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new OutboxConnector("")).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void never_prints_the_database_password() {
    assertThat(db.toString()).doesNotContain("s3cret").contains("orders@db.local:5432/orders");
  }

  @Test
  void its_slot_survives_a_failover_to_a_standby() {
    var db = new OutboxConnector.Database("db", 5432, "orders", "orders", "pw");
    assertThat(new OutboxConnector("orders").config(db)).containsEntry("slot.failover", "true");
  }
}
