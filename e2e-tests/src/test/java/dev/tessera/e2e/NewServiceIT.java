package dev.tessera.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.tessera.e2e.GatewayClient.Response;
import dev.tessera.e2e.GatewayClient.Session;
import dev.tessera.launcher.LaunchOptions;
import dev.tessera.launcher.TesseraSystem;
import dev.tessera.servers.FreePorts;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Stream;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;

/**
 * What a team adding a service does, in a copy of this checkout: {@code ./tessera new-service
 * shipping --consumes orders.order.events --publishes shipment}; build and test the new module and
 * the contracts; render the chart with it and run the chart's checks; start the whole system with
 * it; place an order through the gateway and see shipping apply {@code OrderConfirmed}; create a
 * shipment through the gateway and see {@code ShipmentCreated} on {@code shipping.shipment.events},
 * published through shipping's outbox and its Debezium connector.
 *
 * <p>The copy includes this build's {@code target/} directories, so only what the generator adds or
 * changes is built again; Maven runs offline, on what this build already resolved.
 */
@Order(1)
class NewServiceIT {

  private static final Duration BUILD = Duration.ofMinutes(12);
  private static final Duration SAGA = Duration.ofSeconds(60);

  private static Path copy;
  private static Commands shell;
  private static TesseraSystem system;

  @BeforeAll
  static void copyTheCheckout() throws IOException {
    copy = Path.of("target", "new-service-it", "repo").toAbsolutePath();
    deleteRecursively(copy.getParent());
    Path repository = WholeSystem.repository();
    Set<Path> skipped =
        Set.of(
            repository.resolve(".git"),
            repository.resolve(".tessera"),
            repository.resolve("e2e-tests/target"));
    try (Stream<Path> files = Files.walk(repository)) {
      for (Path from : (Iterable<Path>) files::iterator) {
        if (skipped.stream().anyMatch(from::startsWith)) {
          continue;
        }
        Path to = copy.resolve(repository.relativize(from).toString());
        if (Files.isDirectory(from)) {
          Files.createDirectories(to);
        } else {
          // Modification times kept: Maven then sees the copied classes as up to date.
          Files.copy(from, to, java.nio.file.StandardCopyOption.COPY_ATTRIBUTES);
        }
      }
    }
    shell = new Commands(copy, BUILD);
  }

  @AfterAll
  static void stop() {
    if (system != null) {
      system.close();
    }
  }

  @Test
  void a_generated_service_builds_deploys_and_runs_behind_the_gateway_consuming_and_publishing()
      throws Exception {
    // A name that is taken is refused, and writes nothing.
    assertThat(shell.runExpectingFailure("./tessera", "new-service", "orders"))
        .contains("service name 'orders' is taken");
    String generated =
        shell.run(
            "./tessera",
            "new-service",
            "shipping",
            "--consumes",
            "orders.order.events",
            "--publishes",
            "shipment");
    assertThat(generated)
        .contains("wrote the service shipping")
        .contains("services/shipping/src/main/java/dev/tessera/shipping/api/ShipmentResource.java")
        .contains("contracts/src/main/java/dev/tessera/contracts/shipping/ShipmentCreated.java");

    // Its own tests and the contracts' (on real PostgreSQL, Kafka and Connect); the launcher's
    // consistency checks (modules, descriptors and event types agree); the chart rendered with it,
    // k8s/ regenerated from it, and every chart check (NetworkPolicies, schema, consistency).
    shell.run(
        "./mvnw",
        "-B",
        "-o",
        "verify",
        "-pl",
        "contracts,platform/launcher,services/shipping,deploy-tests",
        "-am",
        "-Dtest=dev.tessera.contracts.**,dev.tessera.launcher.ServicesTest,"
            + "dev.tessera.shipping.**,dev.tessera.deploy.**,"
            // The alert rules are the system's, not the service's: promtool's half minute saved.
            + "!dev.tessera.deploy.PrometheusRulesTest",
        "-Dsurefire.failIfNoSpecifiedTests=false",
        "-Dit.test=NONE",
        "-Dfailsafe.failIfNoSpecifiedTests=false",
        "-Dtessera.k8s.write=true");
    assertThat(Files.readString(copy.resolve("k8s/base/tessera.yaml")))
        .contains("name: tessera-shipping")
        .contains("shipping.shipment.events");

    int base = FreePorts.range(43);
    system =
        TesseraSystem.start(
            LaunchOptions.defaults(copy)
                .withDataDirectory(copy.getParent().resolve("data"))
                .withPorts(base, base + 2, base + 1),
            line -> System.out.println("[launcher] " + line));
    GatewayClient gateway = new GatewayClient(system.gatewayUrl());
    Session ada = gateway.signUpAndLogIn("Ada");

    String orderId = gateway.placeOrderOfTheFirstProduct(ada);
    await().atMost(SAGA).until(() -> receivedByShipping("OrderConfirmed", orderId) == 1);
    assertThat(receivedByShipping("OrderPlaced", orderId)).isEqualTo(1);

    try (KafkaConsumer<String, String> topic = read("shipping.shipment.events")) {
      Response created =
          gateway.post(
              "/api/shipping/shipments", ada.accessToken(), Map.of("name", "Order " + orderId));
      assertThat(created.status()).as(created.toString()).isEqualTo(201);
      String shipmentId = created.body().get("id").asText();

      List<ConsumerRecord<String, String>> events = new ArrayList<>();
      await()
          .atMost(SAGA)
          .until(
              () -> {
                topic.poll(Duration.ofMillis(500)).forEach(events::add);
                return events.stream().anyMatch(r -> shipmentId.equals(r.key()));
              });
      ConsumerRecord<String, String> event =
          events.stream().filter(r -> shipmentId.equals(r.key())).findFirst().orElseThrow();
      assertThat(
              new String(event.headers().lastHeader("eventType").value(), StandardCharsets.UTF_8))
          .isEqualTo("ShipmentCreated");
      assertThat(event.value()).contains(ada.userId().toString()).contains("Order " + orderId);

      Response read = gateway.get("/api/shipping/shipments/" + shipmentId, ada.accessToken());
      assertThat(read.status()).isEqualTo(200);
      assertThat(gateway.get("/api/shipping/shipments", null).status()).isEqualTo(401);
    }
  }

  /** Rows of shipping's {@code received_event} for an event of {@code type} about {@code id}. */
  private static int receivedByShipping(String type, String id) throws SQLException {
    try (Connection c = system.servers().postgres().connectAsSuperuser("shipping");
        PreparedStatement p =
            c.prepareStatement(
                "select count(*) from received_event where event_type = ? and aggregate_id = ?")) {
      p.setString(1, type);
      p.setString(2, id);
      try (ResultSet r = p.executeQuery()) {
        r.next();
        return r.getInt(1);
      }
    }
  }

  private static KafkaConsumer<String, String> read(String topic) {
    Properties p = new Properties();
    p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, system.servers().kafka().bootstrapServers());
    p.put(ConsumerConfig.GROUP_ID_CONFIG, "new-service-it-" + UUID.randomUUID());
    p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    KafkaConsumer<String, String> consumer =
        new KafkaConsumer<>(p, new StringDeserializer(), new StringDeserializer());
    consumer.subscribe(List.of(topic));
    return consumer;
  }

  private static void deleteRecursively(Path directory) {
    if (!Files.exists(directory)) {
      return;
    }
    try (Stream<Path> paths = Files.walk(directory)) {
      for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(path);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
