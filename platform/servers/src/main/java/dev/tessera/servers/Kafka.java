package dev.tessera.servers;

/** A Kafka cluster (one broker here), with replication factor 1 and topics created on first use. */
public interface Kafka {

  /** {@code host:port} list for {@code bootstrap.servers} of clients in the test JVM. */
  String bootstrapServers();
}
