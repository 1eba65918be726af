package dev.tessera.testing;

import dev.tessera.cdc.OutboxConnector;
import dev.tessera.servers.Servers;
import java.time.Duration;
import org.eclipse.microprofile.config.Config;
import org.eclipse.microprofile.config.ConfigProvider;

/**
 * Starts Debezium capture of a service's outbox from a {@code @QuarkusTest}, with the connector
 * configuration the service has everywhere ({@link OutboxConnector}).
 *
 * <p>Call it once the application has started (e.g. in {@code @BeforeAll}): the service's Flyway
 * migration creates the outbox publication, and its start the replication slot, that the connector
 * uses. Events recorded before the connector runs wait in the slot.
 */
public final class OutboxCapture {

  private OutboxCapture() {}

  /** Registers (or updates) the service's connector and waits until it runs. */
  public static OutboxConnector start(String service) {
    Config config = ConfigProvider.getConfig();
    String jdbcUrl = config.getValue("quarkus.datasource.jdbc.url", String.class);
    Servers servers = TesseraServers.shared();
    OutboxConnector connector = new OutboxConnector(service);
    servers
        .connect()
        .createOrUpdateConnector(
            connector.name(),
            connector.config(
                new OutboxConnector.Database(
                    servers.postgres().hostForConnect(),
                    servers.postgres().portForConnect(),
                    jdbcUrl.substring(jdbcUrl.lastIndexOf('/') + 1),
                    config.getValue("quarkus.datasource.username", String.class),
                    config.getValue("quarkus.datasource.password", String.class))));
    servers.connect().awaitConnectorRunning(connector.name(), Duration.ofSeconds(60));
    return connector;
  }
}
