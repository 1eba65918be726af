package dev.tessera.servers.runtime;

import org.apache.kafka.connect.cli.ConnectDistributed;

/**
 * Child-JVM entry point of a Kafka Connect worker in distributed mode, with Debezium's Postgres
 * connector and its outbox EventRouter on the classpath.
 *
 * <p>Usage: {@code ConnectWorkerMain <worker.properties>}. Distributed mode keeps connector
 * configs, source offsets and statuses in Kafka topics, so a restarted worker resumes exactly like
 * one on a real cluster.
 */
public final class ConnectWorkerMain {

  private ConnectWorkerMain() {}

  /** Runs the worker and its REST API until it is stopped. */
  public static void main(String[] args) {
    if (args.length != 1) {
      System.err.println("usage: ConnectWorkerMain <worker.properties>");
      System.exit(2);
    }
    ParentWatch.configureLogging();
    ParentWatch.install();
    ConnectDistributed.main(args);
  }
}
