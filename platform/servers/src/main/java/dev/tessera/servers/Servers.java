package dev.tessera.servers;

/**
 * One complete set of the servers Tessera needs — PostgreSQL, Kafka, Kafka Connect with Debezium,
 * Redis and SMTP — however they run (local processes or containers).
 */
public interface Servers extends AutoCloseable {

  /** The PostgreSQL server. */
  Postgres postgres();

  /** The Kafka cluster. */
  Kafka kafka();

  /**
   * The Kafka Connect worker, with Debezium's Postgres connector, connected to {@link #kafka()}.
   */
  KafkaConnect connect();

  /** The Redis server. */
  Redis redis();

  /** The SMTP server. */
  Smtp smtp();

  /** Stops every server and removes what it wrote, unless told to keep it. */
  @Override
  void close();
}
