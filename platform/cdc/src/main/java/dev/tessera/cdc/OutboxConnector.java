package dev.tessera.cdc;

import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * The Debezium connector that streams one service's transactional outbox to Kafka: the single
 * source of its configuration, used by the tests, the local launcher and the Kubernetes {@code
 * KafkaConnector}.
 *
 * <p>Events land on {@code <service>.<aggregate>.events}, keyed by aggregate id, with the headers
 * {@code id}, {@code eventType} and {@code traceparent}. The outbox table, its publication and the
 * column names are defined by the platform's Flyway migration ({@code db/tessera}).
 *
 * <p>A service whose data is sharded over several databases (docs/sharding.md) has one connector
 * per database: {@code database} names it (its connector, slot and Debezium prefix), while the
 * topics stay the service's, so consumers see one stream. The service's first database is named
 * after the service, and its connector is the one an unsharded service has.
 *
 * @param service the service, which names the topics
 * @param database the database this connector reads, which names the connector and its slot
 */
public record OutboxConnector(String service, String database) {

  /** Name of the publication the platform migration creates in every service database. */
  public static final String PUBLICATION = "tessera_outbox";

  /** The outbox table the connector reads. */
  public static final String TABLE = "public.outbox";

  /**
   * Changes handed to Connect per poll. Debezium's poll returns before {@link #POLL_INTERVAL} only
   * once it holds a full batch: with its default batch (2,048) every event waits for the end of the
   * interval. A batch of one hands each change on as soon as it is decoded.
   */
  public static final int MAX_BATCH_SIZE = 1;

  /**
   * Debezium's {@code poll.interval.ms}: how long its WAL reader sleeps when nothing new is in the
   * replication stream, and how long its poll waits for a batch. With batches of one, the sleep is
   * what bounds a change's wait (the default, 500 ms, would put up to half a second on every hop).
   * A shorter interval has an idle cost: Debezium's queue busy-waits through the last millisecond
   * of every interval, ~0.05 of a core per connector at 25 ms (~0.11 at 10 ms) with no traffic at
   * all. Figures: {@code docs/benchmarks.md}, outbox.
   */
  public static final Duration POLL_INTERVAL = Duration.ofMillis(25);

  /**
   * Debezium's {@code heartbeat.interval.ms}: how often it runs {@link #HEARTBEAT_QUERY} and
   * commits its position, so the slot of a database that writes WAL but rarely an event moves on. A
   * shard move's cut-over waits for the source's slot to confirm a position past it
   * (platform/shard-mover), which takes up to one interval plus Connect's offset flush: writes to
   * the moving range wait that long. At 10 s a move paused writes for up to 11 s; at 2 s, ~3 s, for
   * one tiny insert every 2 s per connector.
   */
  public static final Duration HEARTBEAT_INTERVAL = Duration.ofSeconds(2);

  /**
   * The heartbeat's write: one published insert into {@code outbox_heartbeat} (platform migration
   * V0_2), deleting the previous row in the same statement.
   */
  public static final String HEARTBEAT_QUERY =
      "with previous as (delete from outbox_heartbeat)"
          + " insert into outbox_heartbeat (beat_at) values (now())";

  private static final Pattern SERVICE_NAME = Pattern.compile("[a-z][a-z0-9]{0,30}");

  public OutboxConnector {
    checkName("service", service);
    checkName("database", database);
  }

  /** The connector of a service's only (or first) database, named after the service. */
  public OutboxConnector(String service) {
    this(service, service);
  }

  private static void checkName(String what, String name) {
    Objects.requireNonNull(name, what);
    if (!SERVICE_NAME.matcher(name).matches()) {
      // The name becomes part of a replication slot name, which Postgres limits to [a-z0-9_].
      throw new IllegalArgumentException(
          what + " name must match " + SERVICE_NAME + " (lower-case letters and digits): " + name);
    }
  }

  /** Connector name on the Connect cluster. */
  public String name() {
    return "tessera-" + database + "-outbox";
  }

  /**
   * Logical replication slot; slot names are cluster-wide in Postgres, so they name the database.
   */
  public String slotName() {
    return "tessera_" + database + "_outbox";
  }

  /**
   * Debezium's logical server name; it prefixes Debezium's own topics (the heartbeat's, {@link
   * #heartbeatTopic()}), never the event topics. Connect keys a connector's stored position by it,
   * so each database's connector has its own.
   */
  public String topicPrefix() {
    return "tessera." + database;
  }

  /** Where Debezium sends its heartbeat records; nothing consumes them. */
  public String heartbeatTopic() {
    return "__debezium-heartbeat." + topicPrefix();
  }

  /** The topic of one aggregate's events, e.g. {@code orders.order.events}. */
  public String topicFor(String aggregate) {
    return service + "." + aggregate + ".events";
  }

  /**
   * The complete connector configuration, including {@code name} (the Connect herder requires it in
   * the body of a create request).
   */
  public Map<String, String> config(Database database) {
    Objects.requireNonNull(database, "database");
    Map<String, String> c = new LinkedHashMap<>();
    c.put("name", name());
    c.put("connector.class", "io.debezium.connector.postgresql.PostgresConnector");
    c.put("tasks.max", "1");
    c.put("plugin.name", "pgoutput");
    c.put("database.hostname", database.host());
    c.put("database.port", Integer.toString(database.port()));
    c.put("database.dbname", database.name());
    c.put("database.user", database.user());
    c.put("database.password", database.password());
    c.put("topic.prefix", topicPrefix());
    c.put("slot.name", slotName());
    c.put("publication.name", PUBLICATION);
    // The service owns the publication (its migration) and the slot (made at its start, see
    // platform/eventing OutboxSlot): Debezium uses both and never needs to create either.
    c.put("publication.autocreate.mode", "disabled");
    // PostgreSQL 17 failover slot: a standby with sync_replication_slots keeps a copy of the slot,
    // so after a promotion the connector resumes from its last confirmed change instead of a new
    // slot that misses what was committed in between. The service creates the slot with the same
    // flag (OutboxSlot); this covers a connector that creates it itself.
    c.put("slot.failover", "true");
    // A stored position older than the slot (the slot was lost, dropped or recreated) stops the
    // task with an error instead of streaming on from the slot's position past the gap.
    c.put("offset.mismatch.strategy", "trust_offset");
    c.put("heartbeat.interval.ms", Long.toString(HEARTBEAT_INTERVAL.toMillis()));
    c.put("heartbeat.action.query", HEARTBEAT_QUERY);
    // Committed rows are swept within seconds and were all streamed: nothing to snapshot.
    c.put("snapshot.mode", "no_data");
    c.put("table.include.list", TABLE);
    c.put("tombstones.on.delete", "false");
    c.put("extended.headers.enabled", "false");
    c.put("max.batch.size", Integer.toString(MAX_BATCH_SIZE));
    c.put("poll.interval.ms", Long.toString(POLL_INTERVAL.toMillis()));
    // A failure stops the connector instead of silently skipping an event.
    c.put("errors.tolerance", "none");
    // Keys and payloads are already text (aggregate id, JSON): pass them through unchanged.
    c.put("key.converter", "org.apache.kafka.connect.storage.StringConverter");
    c.put("value.converter", "org.apache.kafka.connect.storage.StringConverter");
    c.put("transforms", "outbox");
    c.put("transforms.outbox.type", "io.debezium.transforms.outbox.EventRouter");
    c.put("transforms.outbox.route.by.field", "aggregatetype");
    c.put("transforms.outbox.route.topic.replacement", service + ".${routedByValue}.events");
    c.put("transforms.outbox.table.field.event.id", "id");
    c.put("transforms.outbox.table.field.event.key", "aggregateid");
    c.put("transforms.outbox.table.field.event.payload", "payload");
    c.put(
        "transforms.outbox.table.fields.additional.placement",
        "type:header:eventType,traceparent:header:traceparent");
    return Collections.unmodifiableMap(c);
  }

  /**
   * Where the connector reads from. Values may be Kafka Connect config provider placeholders (e.g.
   * {@code ${secrets:ns/name:password}}) when rendered for a real cluster.
   */
  public record Database(String host, int port, String name, String user, String password) {
    public Database {
      Objects.requireNonNull(host, "host");
      Objects.requireNonNull(name, "name");
      Objects.requireNonNull(user, "user");
      Objects.requireNonNull(password, "password");
    }

    @Override
    public String toString() {
      // Never print the password: this record ends up in logs and error messages.
      return "Database[" + user + "@" + host + ":" + port + "/" + name + "]";
    }
  }
}
