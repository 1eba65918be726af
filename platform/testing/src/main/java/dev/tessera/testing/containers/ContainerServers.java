package dev.tessera.testing.containers;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tessera.servers.Credentials;
import dev.tessera.servers.Kafka;
import dev.tessera.servers.KafkaConnect;
import dev.tessera.servers.Postgres;
import dev.tessera.servers.Redis;
import dev.tessera.servers.Servers;
import dev.tessera.servers.Smtp;
import jakarta.mail.MessagingException;
import jakarta.mail.Session;
import jakarta.mail.internet.MimeMessage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.containers.Network;
import org.testcontainers.containers.wait.strategy.Wait;
import org.testcontainers.kafka.KafkaContainer;
import org.testcontainers.lifecycle.Startables;
import org.testcontainers.postgresql.PostgreSQLContainer;

/**
 * The same servers as {@code LocalServers}, in containers ({@code -Dtessera.infra=containers};
 * needs a Docker engine). Loaded by name only, so the default mode never touches Testcontainers.
 *
 * <p>The containers share a network: Connect reaches Kafka at {@code kafka:19092} and PostgreSQL at
 * {@code postgres:5432} ({@link Postgres#hostForConnect()}), while tests use mapped ports. Images
 * can be overridden with {@code -Dtessera.image.<postgres|kafka|connect|redis|greenmail>}.
 * Containers cannot be restarted here (a restarted container gets new host ports).
 */
public final class ContainerServers implements Servers {

  private static final ObjectMapper JSON = new ObjectMapper();

  private final Network network = Network.newNetwork();
  private final PostgreSQLContainer postgresContainer;
  private final KafkaContainer kafkaContainer;
  private final GenericContainer<?> connectContainer;
  private final GenericContainer<?> redisContainer;
  private final GenericContainer<?> greenMailContainer;

  private ContainerServers() {
    postgresContainer =
        new PostgreSQLContainer(image("postgres", "postgres:17"))
            .withNetwork(network)
            .withNetworkAliases("postgres")
            .withUsername("postgres")
            .withPassword("postgres")
            .withDatabaseName("postgres")
            .withCommand(
                "postgres",
                "-c",
                "wal_level=logical",
                "-c",
                "max_replication_slots=20",
                "-c",
                "max_wal_senders=20",
                "-c",
                "synchronous_commit=on");
    kafkaContainer =
        new KafkaContainer(image("kafka", "apache/kafka:4.1.2"))
            .withNetwork(network)
            .withNetworkAliases("kafka")
            // A second listener for the other containers; tests use the mapped one.
            .withListener("kafka:19092")
            .withEnv("KAFKA_GROUP_INITIAL_REBALANCE_DELAY_MS", "0")
            .withEnv("KAFKA_AUTO_CREATE_TOPICS_ENABLE", "true");
    connectContainer =
        new GenericContainer<>(image("connect", "quay.io/debezium/connect:3.6"))
            .withNetwork(network)
            .withNetworkAliases("connect")
            .withExposedPorts(8083)
            .withEnv("BOOTSTRAP_SERVERS", "kafka:19092")
            .withEnv("GROUP_ID", "tessera-connect")
            .withEnv("CONFIG_STORAGE_TOPIC", "tessera-connect-configs")
            .withEnv("OFFSET_STORAGE_TOPIC", "tessera-connect-offsets")
            .withEnv("STATUS_STORAGE_TOPIC", "tessera-connect-status")
            .withEnv("CONFIG_STORAGE_REPLICATION_FACTOR", "1")
            .withEnv("OFFSET_STORAGE_REPLICATION_FACTOR", "1")
            .withEnv("STATUS_STORAGE_REPLICATION_FACTOR", "1")
            .withEnv("CONNECT_SCHEDULED_REBALANCE_MAX_DELAY_MS", "0")
            .withEnv("CONNECT_OFFSET_FLUSH_INTERVAL_MS", "1000")
            .dependsOn(kafkaContainer)
            .waitingFor(Wait.forHttp("/connectors").forPort(8083).forStatusCode(200))
            .withStartupTimeout(Duration.ofMinutes(3));
    redisContainer =
        new GenericContainer<>(image("redis", "redis:7"))
            .withExposedPorts(6379)
            .waitingFor(Wait.forLogMessage(".*Ready to accept connections.*\\n", 1));
    greenMailContainer =
        new GenericContainer<>(image("greenmail", "greenmail/standalone:2.1.13"))
            .withExposedPorts(3025, 8080)
            .withEnv(
                "GREENMAIL_OPTS",
                "-Dgreenmail.setup.test.smtp -Dgreenmail.hostname=0.0.0.0"
                    + " -Dgreenmail.auth.disabled -Dgreenmail.api.hostname=0.0.0.0"
                    + " -Dgreenmail.api.port=8080")
            .waitingFor(Wait.forHttp("/api/service/readiness").forPort(8080));
  }

  /** Starts every container (in parallel) and returns once all of them answer. */
  public static ContainerServers start() {
    ContainerServers servers = new ContainerServers();
    try {
      Startables.deepStart(
              servers.postgresContainer,
              servers.kafkaContainer,
              servers.connectContainer,
              servers.redisContainer,
              servers.greenMailContainer)
          .join();
    } catch (RuntimeException e) {
      servers.close();
      throw e;
    }
    return servers;
  }

  @Override
  public Postgres postgres() {
    return new Postgres() {
      @Override
      public String host() {
        return postgresContainer.getHost();
      }

      @Override
      public int port() {
        return postgresContainer.getMappedPort(5432);
      }

      @Override
      public Credentials superuser() {
        return new Credentials(postgresContainer.getUsername(), postgresContainer.getPassword());
      }

      @Override
      public String hostForConnect() {
        return "postgres";
      }

      @Override
      public int portForConnect() {
        return 5432;
      }
    };
  }

  @Override
  public Kafka kafka() {
    return kafkaContainer::getBootstrapServers;
  }

  @Override
  public KafkaConnect connect() {
    return () ->
        "http://" + connectContainer.getHost() + ":" + connectContainer.getMappedPort(8083);
  }

  @Override
  public Redis redis() {
    return new Redis() {
      @Override
      public String host() {
        return redisContainer.getHost();
      }

      @Override
      public int port() {
        return redisContainer.getMappedPort(6379);
      }
    };
  }

  @Override
  public Smtp smtp() {
    return new Smtp() {
      @Override
      public String host() {
        return greenMailContainer.getHost();
      }

      @Override
      public int port() {
        return greenMailContainer.getMappedPort(3025);
      }

      @Override
      public List<MimeMessage> receivedMessages() {
        return greenMailMessages();
      }
    };
  }

  @Override
  public void close() {
    // Reverse order of dependence; Testcontainers' reaper removes anything left at JVM exit.
    for (GenericContainer<?> container :
        List.of(
            connectContainer,
            kafkaContainer,
            postgresContainer,
            redisContainer,
            greenMailContainer)) {
      container.stop();
    }
    network.close();
  }

  /** GreenMail's REST API: every user's INBOX, as parsed MIME messages. */
  private List<MimeMessage> greenMailMessages() {
    String api =
        "http://" + greenMailContainer.getHost() + ":" + greenMailContainer.getMappedPort(8080);
    Session session = Session.getInstance(new Properties());
    List<MimeMessage> messages = new ArrayList<>();
    for (JsonNode user : get(api + "/api/user")) {
      String login = URLEncoder.encode(user.path("login").asText(), StandardCharsets.UTF_8);
      for (JsonNode message : get(api + "/api/user/" + login + "/messages/INBOX")) {
        byte[] mime = message.path("mimeMessage").asText().getBytes(StandardCharsets.UTF_8);
        try {
          messages.add(new MimeMessage(session, new ByteArrayInputStream(mime)));
        } catch (MessagingException e) {
          throw new IllegalStateException("unreadable message from GreenMail", e);
        }
      }
    }
    return messages;
  }

  private static JsonNode get(String url) {
    try {
      HttpResponse<String> response =
          HttpClient.newHttpClient()
              .send(
                  HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10)).build(),
                  HttpResponse.BodyHandlers.ofString());
      if (response.statusCode() != 200) {
        throw new IllegalStateException("GET " + url + ": HTTP " + response.statusCode());
      }
      return JSON.readTree(response.body());
    } catch (IOException e) {
      throw new IllegalStateException("GET " + url + " failed", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("GET " + url + " interrupted", e);
    }
  }

  private static String image(String name, String defaultImage) {
    return System.getProperty("tessera.image." + name, defaultImage);
  }
}
