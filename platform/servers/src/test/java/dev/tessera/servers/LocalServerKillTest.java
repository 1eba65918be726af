package dev.tessera.servers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;

/**
 * {@code kill()} is a SIGKILL of every process of the server, and {@code start()} brings it back on
 * the same port with what it had made durable. Each test owns its server.
 */
class LocalServerKillTest {

  @Test
  void a_killed_postgres_is_gone_at_once_and_restarts_on_its_port_with_every_committed_row()
      throws Exception {
    try (LocalPostgres postgres = new LocalPostgres(temporaryDirectory("pg-kill-"), false)) {
      postgres.start();
      Database db = postgres.createDatabase("killed", "killed", "killed-pw");
      try (Connection c = postgres.connect("killed", db.owner());
          Statement s = c.createStatement()) {
        s.execute("create table kept (id int primary key)");
        s.execute("insert into kept values (1), (2)");
      }
      long postmaster = postmasterPid(postgres);
      int port = postgres.port();

      postgres.kill();

      assertThat(ProcessHandle.of(postmaster)).as("the postmaster after kill()").isEmpty();
      assertThatThrownBy(() -> postgres.connect("killed", db.owner()).close())
          .isInstanceOf(SQLException.class);

      postgres.start();

      assertThat(postgres.port()).isEqualTo(port);
      try (Connection c = postgres.connect("killed", db.owner());
          Statement s = c.createStatement();
          ResultSet r = s.executeQuery("select count(*) from kept")) {
        r.next();
        assertThat(r.getInt(1)).isEqualTo(2);
      }
    }
  }

  @Test
  void a_killed_kafka_broker_restarts_on_its_port_with_every_acknowledged_record()
      throws Exception {
    try (LocalKafka kafka = new LocalKafka(temporaryDirectory("kafka-kill-"), false)) {
      kafka.start();
      String topic = "killed-" + UUID.randomUUID();
      try (KafkaProducer<String, String> producer =
          new KafkaProducer<>(
              Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()),
              new StringSerializer(),
              new StringSerializer())) {
        producer.send(new ProducerRecord<>(topic, "k", "acknowledged")).get(30, TimeUnit.SECONDS);
      }
      long pid = kafka.pid();
      int port = kafka.port();

      kafka.kill();

      assertThat(ProcessHandle.of(pid)).as("the broker's JVM after kill()").isEmpty();
      assertThat(LocalKafka.accepts(port)).isFalse();

      kafka.start();

      assertThat(kafka.port()).isEqualTo(port);
      try (KafkaConsumer<String, String> consumer =
          new KafkaConsumer<>(
              Map.of(
                  ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
                  kafka.bootstrapServers(),
                  ConsumerConfig.GROUP_ID_CONFIG,
                  "killed-" + UUID.randomUUID(),
                  ConsumerConfig.AUTO_OFFSET_RESET_CONFIG,
                  "earliest"),
              new StringDeserializer(),
              new StringDeserializer())) {
        consumer.subscribe(List.of(topic));
        List<String> values = new ArrayList<>();
        await()
            .atMost(Duration.ofSeconds(60))
            .until(
                () -> {
                  consumer.poll(Duration.ofMillis(200)).forEach(r -> values.add(r.value()));
                  return !values.isEmpty();
                });
        assertThat(values).containsExactly("acknowledged");
      }
    }
  }

  @Test
  void a_killed_redis_refuses_connections_and_restarts_on_its_port() throws Exception {
    try (LocalRedis redis = new LocalRedis(temporaryDirectory("redis-kill-"), false)) {
      redis.start();
      assertThat(ping(redis)).isEqualTo("+PONG");

      redis.kill();

      assertThat(LocalKafka.accepts(redis.port())).as("redis port after kill()").isFalse();
      assertThat(redis.isRunning()).isFalse();

      redis.start();

      assertThat(ping(redis)).isEqualTo("+PONG");
    }
  }

  private static long postmasterPid(LocalPostgres postgres) throws IOException {
    Path pidFile = postgres.directory().resolve("data").resolve("postmaster.pid");
    return Long.parseLong(Files.readAllLines(pidFile).get(0).trim());
  }

  private static String ping(LocalRedis redis) throws IOException {
    try (Socket socket = new Socket(redis.host(), redis.port())) {
      OutputStream out = socket.getOutputStream();
      out.write("PING\r\n".getBytes(StandardCharsets.US_ASCII));
      out.flush();
      return new BufferedReader(
              new InputStreamReader(socket.getInputStream(), StandardCharsets.US_ASCII))
          .readLine();
    }
  }

  private static Path temporaryDirectory(String prefix) throws IOException {
    Path tmp = Files.createDirectories(Path.of(System.getProperty("java.io.tmpdir")));
    return Files.createTempDirectory(tmp, prefix);
  }
}
