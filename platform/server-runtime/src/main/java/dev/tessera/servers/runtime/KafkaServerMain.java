package dev.tessera.servers.runtime;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.metadata.storage.Formatter;

/**
 * Child-JVM entry point of a single-node Kafka in KRaft combined mode (broker + controller).
 *
 * <p>Usage: {@code KafkaServerMain <server.properties>}. Formats the metadata log directory on
 * first start (KRaft refuses an unformatted one) and then runs {@code kafka.Kafka}, whose shutdown
 * hook stops the broker cleanly on SIGTERM.
 */
public final class KafkaServerMain {

  private KafkaServerMain() {}

  /** Formats the log directory if needed, then runs the server until it is stopped. */
  public static void main(String[] args) throws Exception {
    if (args.length != 1) {
      System.err.println("usage: KafkaServerMain <server.properties>");
      System.exit(2);
    }
    ParentWatch.configureLogging();
    Path propertiesFile = Path.of(args[0]);
    formatIfNeeded(load(propertiesFile));
    ParentWatch.install();
    kafka.Kafka.main(new String[] {propertiesFile.toString()});
  }

  private static Properties load(Path file) throws IOException {
    Properties properties = new Properties();
    try (InputStream in = Files.newInputStream(file)) {
      properties.load(in);
    }
    return properties;
  }

  private static void formatIfNeeded(Properties properties) throws Exception {
    String logDir = properties.getProperty("log.dirs", properties.getProperty("log.dir"));
    if (logDir == null || logDir.contains(",")) {
      throw new IllegalArgumentException("exactly one log.dirs entry is expected, got " + logDir);
    }
    if (Files.exists(Path.of(logDir, "meta.properties"))) {
      // A restart keeps the cluster id and every topic: formatting again would fail.
      return;
    }
    String listenerNames = properties.getProperty("controller.listener.names", "CONTROLLER");
    new Formatter()
        .setPrintStream(System.out)
        .setNodeId(Integer.parseInt(properties.getProperty("node.id", "1")))
        .setClusterId(properties.getProperty("tessera.cluster.id", Uuid.randomUuid().toString()))
        .setControllerListenerName(listenerNames.split(",")[0].trim())
        .setMetadataLogDirectory(logDir)
        .addDirectory(logDir)
        .setIgnoreFormatted(true)
        .run();
  }
}
