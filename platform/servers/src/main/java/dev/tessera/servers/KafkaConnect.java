package dev.tessera.servers;

import java.time.Duration;
import java.util.Map;

/**
 * A Kafka Connect worker with Debezium's Postgres connector and outbox EventRouter, driven through
 * its REST API exactly as on a real Connect cluster.
 */
public interface KafkaConnect {

  /** Base URL of the worker's REST API, e.g. {@code http://127.0.0.1:8083}. */
  String restUrl();

  /**
   * Validates {@code config} with the connector plugin, then creates the connector or replaces its
   * config.
   *
   * @throws ConnectorException listing every invalid field, when validation fails
   */
  default void createOrUpdateConnector(String name, Map<String, String> config) {
    new ConnectRestClient(restUrl()).createOrUpdate(name, config);
  }

  /**
   * Waits until the connector and all its tasks are {@code RUNNING}.
   *
   * @throws ConnectorException with the worker's stack trace when the connector or a task is {@code
   *     FAILED}, or when {@code timeout} passes first
   */
  default void awaitConnectorRunning(String name, Duration timeout) {
    new ConnectRestClient(restUrl()).awaitRunning(name, timeout);
  }

  /** The connector's status document as JSON, or {@code null} when there is no such connector. */
  default String connectorStatus(String name) {
    return new ConnectRestClient(restUrl()).status(name);
  }

  /** Deletes the connector; does nothing when it does not exist. */
  default void deleteConnector(String name) {
    new ConnectRestClient(restUrl()).delete(name);
  }
}
