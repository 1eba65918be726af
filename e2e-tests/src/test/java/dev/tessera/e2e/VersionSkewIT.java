package dev.tessera.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.tessera.e2e.GatewayClient.Response;
import dev.tessera.e2e.GatewayClient.Session;
import dev.tessera.launcher.AppProcess;
import dev.tessera.launcher.TesseraSystem;
import dev.tessera.servers.Credentials;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;

/**
 * Two releases side by side, as during a rolling upgrade or after a rollback: orders and
 * notifications run the previous release (built from {@link #PREVIOUS_RELEASE} in a scratch
 * directory), identity, billing and the gateway run this checkout, which adds an event type ({@code
 * UserReinstated}, consumed by both) and an e-mail kind ({@code account-reinstated}). Then this
 * checkout's orders and notifications start next to the old ones, and the old ones are restarted.
 *
 * <p>What must hold (docs/upgrades.md): the old release neither skips nor fails what it does not
 * know — it parks the new event, and the later events of the same user behind it, while other
 * users' events go on; the new release applies each parked event once, in order; the old sender
 * leaves the new kind of e-mail to the new one; nothing is dead-lettered or marked failed; and the
 * old release, restarted afterwards, answers as the new one does.
 */
@Order(2)
class VersionSkewIT {

  /**
   * main's last commit before {@code UserReinstated} and {@code account-reinstated}: the release
   * before them. It must be reachable in this clone (a shallow clone fails here, saying so).
   */
  static final String PREVIOUS_RELEASE = "7c3791d56599f52edc3cbf29896fd8d8c584ee6c";

  private static final Duration BUILD = Duration.ofMinutes(12);
  private static final Duration APPLIED = Duration.ofSeconds(60);
  private static final Duration GRACE = Duration.ofSeconds(40);
  private static final String ACTIVE = "ACTIVE";
  private static final String SUSPENDED = "SUSPENDED";

  private static TesseraSystem system;
  private static GatewayClient gateway;
  private static SagaInvariants deadLetters;

  @BeforeAll
  static void startThePreviousReleaseOfOrdersAndNotifications() throws IOException {
    Path previous = buildPreviousRelease();
    system =
        WholeSystem.startWithPreviousRelease(
            "version-skew-data", previous, "orders", "notifications");
    gateway = new GatewayClient(system.gatewayUrl());
    deadLetters = SagaInvariants.watchDeadLetters(system);
  }

  @AfterAll
  static void stop() {
    if (system != null) {
      system.close();
    }
  }

  @Test
  void an_event_type_and_an_email_kind_the_old_release_does_not_know_are_parked_then_applied_once()
      throws Exception {
    String admin = adminToken();
    Session ada = gateway.signUpAndLogIn("Ada");
    await().atMost(APPLIED).until(() -> ACTIVE.equals(projectedStatus(ada.userId())));

    // Both releases know suspension.
    suspend(admin, ada);
    await().atMost(APPLIED).until(() -> SUSPENDED.equals(projectedStatus(ada.userId())));

    // Only the old release consumes: it parks UserReinstated, and Ada's next event behind it.
    reinstate(admin, ada);
    await()
        .atMost(APPLIED)
        .until(() -> parked("orders", ada.userId()) == 1 && parked("notifications", ada) == 1);
    suspend(admin, ada);
    await()
        .atMost(APPLIED)
        .until(() -> parked("orders", ada.userId()) == 2 && parked("notifications", ada) == 2);
    // Other users' events go on meanwhile, and Ada's state is untouched (not skipped, not
    // reordered).
    Session bob = gateway.signUpAndLogIn("Bob");
    await().atMost(APPLIED).until(() -> ACTIVE.equals(projectedStatus(bob.userId())));
    await().atMost(APPLIED).until(() -> kinds(bob).contains("welcome"));
    assertThat(projectedStatus(ada.userId())).isEqualTo(SUSPENDED);
    assertThat(kinds(ada)).doesNotContain("account-reinstated");

    // This checkout's orders and notifications start next to the old ones and apply what was
    // parked, in order: reinstated, then suspended again.
    AppProcess newOrders = startSpare("orders");
    AppProcess newNotifications = startSpare("notifications");
    await()
        .atMost(APPLIED)
        .until(() -> parked("orders", ada.userId()) == 0 && parked("notifications", ada) == 0);
    assertThat(projectedStatus(ada.userId())).isEqualTo(SUSPENDED);

    // With both releases consuming, whichever gets Ada's partition: reinstated for good.
    reinstate(admin, ada);
    await().atMost(APPLIED).until(() -> ACTIVE.equals(projectedStatus(ada.userId())));
    Session adaAgain = gateway.logIn(ada);
    String orderId = gateway.placeOrderOfTheFirstProduct(adaAgain);
    await().atMost(SagaInvariants.TERMINAL).until(() -> "CONFIRMED".equals(orderStatus(orderId)));

    // Every event of Ada's applied exactly once by each consumer, in the order identity made them.
    List<IdentityEvent> events = identityEventsOf(ada.userId());
    assertThat(events)
        .extracting(IdentityEvent::type)
        .containsExactly(
            "UserRegistered", "UserSuspended", "UserReinstated", "UserSuspended", "UserReinstated");
    await()
        .atMost(APPLIED)
        .untilAsserted(
            () -> {
              assertThat(inbox("orders", events)).as("orders' inbox").hasSize(events.size());
              assertThat(inbox("notifications", events))
                  .as("notifications' inbox")
                  .hasSize(events.size());
              assertThat(notificationKindsByEvent(events))
                  .as("one notification per event, of its kind")
                  .isEqualTo(expectedKinds(events));
              assertThat(emailStatuses(ada))
                  .as("e-mails to Ada (kind, status, attempts)")
                  .containsOnly("sent after 1");
            });
    // One e-mail per event, and the order's confirmation.
    assertThat(system.servers().smtp().receivedMessagesTo(ada.email())).hasSize(events.size() + 1);
    assertThat(parked("orders", ada.userId()) + parked("notifications", ada)).isZero();
    deadLetters.assertNothingDeadLettered("two releases side by side");

    // The old release, restarted, still agrees with the new one: same orders, same notifications.
    for (String service : List.of("orders", "notifications")) {
      AppProcess old = system.instances(service).get(0);
      old.stop(GRACE);
      old.start();
      old.awaitHealthy("/q/health/ready", Duration.ofMinutes(3));
    }
    AppProcess oldOrders = system.instances("orders").get(0);
    AppProcess oldNotifications = system.instances("notifications").get(0);
    String token = adaAgain.accessToken();
    assertThat(read(oldOrders, "/api/orders?limit=100", token))
        .isEqualTo(read(newOrders, "/api/orders?limit=100", token));
    assertThat(read(oldNotifications, "/api/notifications?limit=100", token))
        .isEqualTo(read(newNotifications, "/api/notifications?limit=100", token));
    assertThat(read(oldNotifications, "/api/notifications/unread-count", token))
        .isEqualTo(read(newNotifications, "/api/notifications/unread-count", token));
    assertThat(inbox("orders", events)).hasSize(events.size());
    assertThat(emailStatuses(ada)).containsOnly("sent after 1");
    deadLetters.assertNothingDeadLettered("old release restarted");
  }

  /**
   * The previous release, built in {@code target/previous-release/<commit>} from this clone's
   * history: its orders and notifications, and what they need. Kept across runs once built.
   */
  private static Path buildPreviousRelease() throws IOException {
    Path repository = WholeSystem.repository();
    Path checkout =
        Path.of("target", "previous-release", PREVIOUS_RELEASE).toAbsolutePath().normalize();
    Commands git = new Commands(repository, BUILD);
    Commands.Result present = git.execute("git", "cat-file", "-e", PREVIOUS_RELEASE + "^{commit}");
    assertThat(present.exit())
        .as(
            "the previous release %s is not in this clone (a shallow clone? git fetch"
                + " --unshallow): %s",
            PREVIOUS_RELEASE, present.output())
        .isZero();
    List<String> modules = List.of("services/orders", "services/notifications");
    if (modules.stream()
        .allMatch(
            m ->
                Files.isRegularFile(checkout.resolve(m + "/target/quarkus-app/quarkus-run.jar")))) {
      return checkout;
    }
    Files.createDirectories(checkout);
    git.run("sh", "-c", "git archive " + PREVIOUS_RELEASE + " | tar -x -C '" + checkout + "'");
    new Commands(checkout, BUILD)
        .run(
            "./mvnw",
            "-B",
            "-q",
            // Orders and notifications side by side, as this checkout builds (.mvn/maven.config).
            "-T2",
            "package",
            "-DskipTests",
            "-Dspotless.check.skip=true",
            "-pl",
            String.join(",", modules),
            "-am");
    return checkout;
  }

  private static AppProcess startSpare(String service) {
    AppProcess spare = system.spare(service).orElseThrow();
    spare.start();
    spare.awaitHealthy("/q/health/ready", Duration.ofMinutes(3));
    return spare;
  }

  private static String adminToken() {
    Credentials admin = system.admin();
    Response login = gateway.logIn(admin.username(), admin.password());
    assertThat(login.status()).as("admin log-in: %s", login).isEqualTo(200);
    return login.body().get("accessToken").asText();
  }

  private static void suspend(String admin, Session user) {
    Response suspended =
        gateway.post(
            "/api/identity/users/" + user.userId() + "/suspension",
            admin,
            Map.of("reason", "version skew test"));
    assertThat(suspended.status()).as(suspended.toString()).isEqualTo(200);
  }

  private static void reinstate(String admin, Session user) {
    Response reinstated =
        gateway.delete("/api/identity/users/" + user.userId() + "/suspension", admin);
    assertThat(reinstated.status()).as(reinstated.toString()).isEqualTo(200);
  }

  /** A GET straight to one instance, by-passing the gateway: its status and body. */
  private static String read(AppProcess instance, String path, String token) {
    Response response = new GatewayClient(instance.url()).get(path, token);
    assertThat(response.status()).as("%s %s: %s", instance.id(), path, response).isEqualTo(200);
    return response.body().toString();
  }

  /** An event on identity.user.events: its id and type. */
  record IdentityEvent(String id, String type) {}

  /** Every event about {@code userId} on identity.user.events, in topic order. */
  private static List<IdentityEvent> identityEventsOf(UUID userId) {
    Properties p = new Properties();
    p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, system.servers().kafka().bootstrapServers());
    p.put(ConsumerConfig.GROUP_ID_CONFIG, "version-skew-it-" + UUID.randomUUID());
    p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    List<IdentityEvent> events = new ArrayList<>();
    try (KafkaConsumer<String, String> consumer =
        new KafkaConsumer<>(p, new StringDeserializer(), new StringDeserializer())) {
      consumer.subscribe(List.of("identity.user.events"));
      await()
          .atMost(APPLIED)
          .until(
              () -> {
                for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(500))) {
                  if (userId.toString().equals(r.key())) {
                    events.add(new IdentityEvent(header(r, "id"), header(r, "eventType")));
                  }
                }
                return events.size() >= 5;
              });
    }
    return events;
  }

  private static String header(ConsumerRecord<String, String> record, String name) {
    return new String(record.headers().lastHeader(name).value(), StandardCharsets.UTF_8);
  }

  /** The notification kind each event gives (the mapping both releases share, and the new one). */
  private static Map<String, String> expectedKinds(List<IdentityEvent> events) {
    Map<String, String> kinds = new LinkedHashMap<>();
    Map<String, String> byType =
        Map.of(
            "UserRegistered", "welcome",
            "UserSuspended", "account-suspended",
            "UserReinstated", "account-reinstated");
    events.forEach(e -> kinds.put(e.id(), byType.get(e.type())));
    return kinds;
  }

  private static String projectedStatus(UUID userId) throws SQLException {
    return single("orders", "select status from user_projection where id = ?", userId);
  }

  private static String orderStatus(String orderId) throws SQLException {
    return single("orders", "select status from orders where id = ?", UUID.fromString(orderId));
  }

  private static int parked(String service, UUID key) throws SQLException {
    return Integer.parseInt(
        single(service, "select count(*) from parked_event where record_key = ?", key.toString()));
  }

  private static int parked(String service, Session user) throws SQLException {
    return parked(service, user.userId());
  }

  /** The ids of {@code events} that {@code service}'s inbox holds, one row each at most. */
  private static List<String> inbox(String service, List<IdentityEvent> events)
      throws SQLException {
    return strings(
        service,
        "select event_id::text from inbox where event_id = any(?::uuid[])",
        events.stream().map(IdentityEvent::id).toArray(String[]::new));
  }

  private static List<String> kinds(Session user) throws SQLException {
    return strings(
        "notifications", "select kind from notification where user_id = ?", user.userId());
  }

  /** The kind of the notification each of {@code events} gave, by event id. */
  private static Map<String, String> notificationKindsByEvent(List<IdentityEvent> events)
      throws SQLException {
    return rows(
            "notifications",
            "select event_id::text, kind from notification where event_id = any(?::uuid[])",
            events.stream().map(IdentityEvent::id).toArray(String[]::new))
        .stream()
        .collect(Collectors.toMap(r -> r.get(0), r -> r.get(1)));
  }

  /** Each e-mail to the user as {@code "<status> after <attempts>"}. */
  private static List<String> emailStatuses(Session user) throws SQLException {
    return strings(
        "notifications",
        "select status || ' after ' || attempts from email_outbox where user_id = ?",
        user.userId());
  }

  private static String single(String database, String sql, Object parameter) throws SQLException {
    List<String> values = strings(database, sql, parameter);
    return values.isEmpty() ? null : values.get(0);
  }

  private static List<String> strings(String database, String sql, Object parameter)
      throws SQLException {
    return rows(database, sql, parameter).stream().map(r -> r.get(0)).toList();
  }

  private static List<List<String>> rows(String database, String sql, Object parameter)
      throws SQLException {
    try (Connection c = system.servers().postgres().connectAsSuperuser(database);
        PreparedStatement p = c.prepareStatement(sql)) {
      p.setObject(
          1, parameter instanceof String[] array ? c.createArrayOf("text", array) : parameter);
      List<List<String>> rows = new ArrayList<>();
      try (ResultSet r = p.executeQuery()) {
        int columns = r.getMetaData().getColumnCount();
        while (r.next()) {
          List<String> row = new ArrayList<>();
          for (int i = 1; i <= columns; i++) {
            row.add(r.getString(i));
          }
          rows.add(row);
        }
      }
      return rows;
    }
  }
}
