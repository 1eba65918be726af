package dev.tessera.servers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import jakarta.mail.Message;
import jakarta.mail.Session;
import jakarta.mail.Transport;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The whole set, started once for this class: CDC end to end, Redis, SMTP. */
class LocalServersTest {

  private static LocalServers servers;

  @BeforeAll
  static void startServers() {
    servers = LocalServers.start();
    System.out.println(
        "start times: " + servers.startTimes() + ", total " + servers.totalStartTime());
  }

  @AfterAll
  static void closeServers() {
    servers.close();
  }

  @Test
  void
      an_outbox_row_becomes_one_kafka_record_and_rows_written_while_connect_is_down_arrive_after_its_restart()
          throws Exception {
    String suffix = UUID.randomUUID().toString().replace("-", "").substring(0, 10);
    String aggregateType = "agg" + suffix;
    String topic = "test." + aggregateType + ".events";
    Database db =
        servers.postgres().createDatabase("cdc_" + suffix, "cdc_" + suffix, "pw-" + suffix);
    try (Connection c = servers.postgres().connect(db.name(), db.owner());
        Statement s = c.createStatement()) {
      s.execute(
          "create table outbox (id uuid primary key, aggregatetype varchar, aggregateid varchar,"
              + " type varchar, payload jsonb, traceparent varchar)");
      s.execute("create publication tessera_outbox for table outbox");
    }
    String connector = "outbox-" + suffix;
    String slot = "slot_" + suffix;
    servers.connect().createOrUpdateConnector(connector, outboxConnector(db, slot, suffix));
    servers.connect().awaitConnectorRunning(connector, Duration.ofSeconds(60));
    // no_data snapshots start at the slot's creation: a row committed before it would be lost.
    awaitSlotActive(slot);

    try (KafkaConsumer<String, String> consumer = consumer(topic)) {
      UUID first = insertOutboxRow(db, aggregateType, "order-1", "OrderPlaced", "00-aa-bb-01");

      List<ConsumerRecord<String, String>> records = pollUntil(consumer, 1);
      assertThat(records).hasSize(1);
      ConsumerRecord<String, String> record = records.get(0);
      assertThat(record.topic()).isEqualTo(topic);
      assertThat(record.key()).isEqualTo("order-1");
      // jsonb through the StringConverter: the JSON document itself, not a JSON-encoded string.
      assertThat(record.value()).isEqualTo("{\"n\": 1}");
      assertThat(header(record, "id")).isEqualTo(first.toString());
      assertThat(header(record, "eventType")).isEqualTo("OrderPlaced");
      assertThat(header(record, "traceparent")).isEqualTo("00-aa-bb-01");

      servers.connect().stop();
      UUID second = insertOutboxRow(db, aggregateType, "order-2", "OrderPaid", "00-aa-bb-02");
      UUID third = insertOutboxRow(db, aggregateType, "order-3", "OrderPaid", "00-aa-bb-03");
      servers.connect().start();

      List<ConsumerRecord<String, String>> afterRestart = pollUntil(consumer, 2);
      assertThat(afterRestart)
          .extracting(r -> header(r, "id"))
          .containsExactly(second.toString(), third.toString());
      assertThat(afterRestart)
          .extracting(ConsumerRecord::key)
          .containsExactly("order-2", "order-3");
    } finally {
      servers.connect().deleteConnector(connector);
    }
  }

  @Test
  void a_connector_with_an_invalid_config_is_rejected_naming_the_invalid_fields() {
    Database db = servers.postgres().createDatabase("cdc_invalid", "cdc_invalid", "pw");
    Map<String, String> config = outboxConnector(db, "slot_invalid", "invalid");
    config.put("snapshot.mode", "sometimes");

    assertThatThrownBy(() -> servers.connect().createOrUpdateConnector("invalid", config))
        .isInstanceOf(ConnectorException.class)
        .hasMessageContaining("snapshot.mode");
    assertThat(servers.connect().connectorStatus("invalid")).isNull();
  }

  @Test
  void a_failover_without_a_standby_is_refused_and_leaves_the_primary_running() {
    LocalPostgres primary = servers.postgres();

    assertThatThrownBy(servers::failover)
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("no running standby");
    assertThat(servers.postgres()).isSameAs(primary);
    assertThat(primary.isRunning()).isTrue();
  }

  @Test
  void redis_answers_ping() throws Exception {
    try (Socket socket = new Socket(servers.redis().host(), servers.redis().port())) {
      OutputStream out = socket.getOutputStream();
      out.write("PING\r\n".getBytes(StandardCharsets.US_ASCII));
      out.flush();
      BufferedReader in =
          new BufferedReader(
              new InputStreamReader(socket.getInputStream(), StandardCharsets.US_ASCII));
      assertThat(in.readLine()).isEqualTo("+PONG");
    }
    assertThat(servers.redis().uri()).isEqualTo("redis://127.0.0.1:" + servers.redis().port());
  }

  @Test
  void smtp_receives_a_mail_sent_with_jakarta_mail() throws Exception {
    String to = "someone-" + UUID.randomUUID() + "@tessera.test";
    Properties properties = new Properties();
    properties.put("mail.smtp.host", servers.smtp().host());
    properties.put("mail.smtp.port", Integer.toString(servers.smtp().port()));
    MimeMessage message = new MimeMessage(Session.getInstance(properties));
    message.setFrom(new InternetAddress("noreply@tessera.test"));
    message.setRecipient(Message.RecipientType.TO, new InternetAddress(to));
    message.setSubject("Your order is confirmed");
    message.setText("Thank you.");

    Transport.send(message);

    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> servers.smtp().receivedMessagesTo(to).size() == 1);
    assertThat(servers.smtp().receivedMessagesTo(to).get(0).getSubject())
        .isEqualTo("Your order is confirmed");
  }

  private static Map<String, String> outboxConnector(Database db, String slot, String suffix) {
    Map<String, String> c = new HashMap<>();
    c.put("connector.class", "io.debezium.connector.postgresql.PostgresConnector");
    c.put("database.hostname", servers.postgres().hostForConnect());
    c.put("database.port", Integer.toString(servers.postgres().portForConnect()));
    c.put("database.user", db.owner().username());
    c.put("database.password", db.owner().password());
    c.put("database.dbname", db.name());
    c.put("topic.prefix", "cdc-" + suffix);
    c.put("plugin.name", "pgoutput");
    c.put("snapshot.mode", "no_data");
    c.put("publication.autocreate.mode", "disabled");
    c.put("publication.name", "tessera_outbox");
    c.put("slot.name", slot);
    c.put("table.include.list", "public.outbox");
    c.put("tombstones.on.delete", "false");
    c.put("poll.interval.ms", "10");
    c.put("extended.headers.enabled", "false");
    c.put("key.converter", "org.apache.kafka.connect.storage.StringConverter");
    c.put("value.converter", "org.apache.kafka.connect.storage.StringConverter");
    c.put("transforms", "outbox");
    c.put("transforms.outbox.type", "io.debezium.transforms.outbox.EventRouter");
    c.put("transforms.outbox.route.by.field", "aggregatetype");
    c.put("transforms.outbox.route.topic.replacement", "test.${routedByValue}.events");
    c.put("transforms.outbox.table.field.event.key", "aggregateid");
    c.put(
        "transforms.outbox.table.fields.additional.placement",
        "type:header:eventType,traceparent:header:traceparent");
    return c;
  }

  private static void awaitSlotActive(String slot) {
    await()
        .atMost(Duration.ofSeconds(30))
        .until(
            () -> {
              try (Connection c = servers.postgres().connectAsSuperuser("postgres");
                  PreparedStatement p =
                      c.prepareStatement(
                          "select active from pg_replication_slots where slot_name = ?")) {
                p.setString(1, slot);
                try (ResultSet r = p.executeQuery()) {
                  return r.next() && r.getBoolean(1);
                }
              }
            });
  }

  private static UUID insertOutboxRow(
      Database db, String aggregateType, String aggregateId, String type, String traceparent)
      throws Exception {
    UUID id = UUID.randomUUID();
    try (Connection c = servers.postgres().connect(db.name(), db.owner());
        PreparedStatement p =
            c.prepareStatement(
                "insert into outbox (id, aggregatetype, aggregateid, type, payload, traceparent)"
                    + " values (?, ?, ?, ?, ?::jsonb, ?)")) {
      p.setObject(1, id);
      p.setString(2, aggregateType);
      p.setString(3, aggregateId);
      p.setString(4, type);
      p.setString(5, "{\"n\": 1}");
      p.setString(6, traceparent);
      p.executeUpdate();
    }
    return id;
  }

  private static KafkaConsumer<String, String> consumer(String topic) {
    KafkaConsumer<String, String> consumer =
        new KafkaConsumer<>(
            Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
                servers.kafka().bootstrapServers(),
                ConsumerConfig.GROUP_ID_CONFIG,
                "test-" + UUID.randomUUID(),
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG,
                "earliest"),
            new StringDeserializer(),
            new StringDeserializer());
    consumer.subscribe(List.of(topic));
    return consumer;
  }

  private static List<ConsumerRecord<String, String>> pollUntil(
      KafkaConsumer<String, String> consumer, int count) {
    List<ConsumerRecord<String, String>> records = new ArrayList<>();
    await()
        .atMost(Duration.ofSeconds(60))
        .until(
            () -> {
              consumer.poll(Duration.ofMillis(100)).forEach(records::add);
              return records.size() >= count;
            });
    // Anything more than expected would be a duplicate: give it a moment to show up.
    consumer.poll(Duration.ofMillis(500)).forEach(records::add);
    return records;
  }

  private static String header(ConsumerRecord<String, String> record, String name) {
    Header header = record.headers().lastHeader(name);
    return header == null ? null : new String(header.value(), StandardCharsets.UTF_8);
  }
}
