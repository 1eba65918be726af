package dev.tessera.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.tessera.e2e.GatewayClient.Session;
import dev.tessera.launcher.TesseraSystem;
import jakarta.mail.MessagingException;
import jakarta.mail.internet.MimeMessage;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.common.TopicPartition;

/**
 * The promises of the order saga, checked after a fault as an operator would: orders and payments
 * read straight from the services' databases, dead letters from Kafka.
 *
 * <ul>
 *   <li>every order of the flow's users is terminal ({@code CONFIRMED} or {@code CANCELLED}) within
 *       {@link #TERMINAL}, and every accepted order is among them (none lost);
 *   <li>every {@code CONFIRMED} order has exactly one invoice and exactly one charge captured by
 *       the provider (whose records, for the simulated one, are in billing's database);
 *   <li>no captured charge without a {@code CONFIRMED} order or a refund;
 *   <li>every {@code CONFIRMED} order is announced once: one {@code order-confirmed} notification
 *       in the notifications database, and its e-mail delivered — a copy sent again after a crash
 *       between the mail server's answer and the sent mark carries the same {@code Message-ID}, so
 *       a mail client shows one message;
 *   <li>no record was dead-lettered since {@link #watchDeadLetters} (the faults here are all
 *       transient: nothing they cause may be given up on).
 * </ul>
 */
final class SagaInvariants {

  /** How long every accepted order has to become terminal once the fault is over. */
  static final Duration TERMINAL = Duration.ofMinutes(2);

  /** How long billing has to settle a charge once its order is terminal (e.g. a refund). */
  private static final Duration SETTLED = Duration.ofSeconds(60);

  private static final Pattern ORDER_ID =
      Pattern.compile("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}");

  /** The subject of a confirmation e-mail (email-templates/order-confirmed), with its order id. */
  private static final Pattern CONFIRMATION_SUBJECT =
      Pattern.compile("Your order (" + ORDER_ID.pattern() + ") is confirmed");

  private final TesseraSystem system;
  private final Map<TopicPartition, Long> deadLettersBefore;

  private SagaInvariants(TesseraSystem system, Map<TopicPartition, Long> deadLettersBefore) {
    this.system = system;
    this.deadLettersBefore = deadLettersBefore;
  }

  /** Remembers how far every dead-letter topic goes now; call before the fault. */
  static SagaInvariants watchDeadLetters(TesseraSystem system) {
    return new SagaInvariants(system, deadLetterEnds(system));
  }

  /**
   * Asserts every invariant for the flow's orders; {@code fault} names what happened, for the
   * failure message.
   */
  void assertHold(SteadyOrderFlow flow, String fault) {
    Map<String, String> accepted = flow.accepted();
    List<UUID> users = flow.users().stream().map(Session::userId).toList();
    String context = fault + "; " + flow;
    assertThat(accepted).as("orders accepted during the run (%s)", context).isNotEmpty();

    Map<String, String> statuses = new HashMap<>();
    await()
        .alias("every order of the flow terminal within " + TERMINAL + " (" + fault + ")")
        .atMost(TERMINAL)
        .pollInterval(Duration.ofSeconds(1))
        .ignoreExceptions()
        .untilAsserted(
            () -> {
              statuses.clear();
              statuses.putAll(orderStatuses(users));
              assertThat(statuses.keySet())
                  .as("accepted orders that the orders database does not have (%s)", context)
                  .containsAll(accepted.keySet());
              assertThat(notTerminal(statuses, accepted))
                  .as("orders not terminal, with the phase they were accepted in (%s)", context)
                  .isEmpty();
            });

    await()
        .alias("billing agrees with every terminal order (" + fault + ")")
        .atMost(SETTLED)
        .pollInterval(Duration.ofSeconds(1))
        .ignoreExceptions()
        .untilAsserted(() -> assertBillingAgrees(statuses, accepted, context));

    await()
        .alias("every confirmed order announced once (" + fault + ")")
        .atMost(SETTLED)
        .pollInterval(Duration.ofSeconds(1))
        .ignoreExceptions()
        .untilAsserted(() -> assertAnnouncedOnce(statuses, users, accepted, context));

    assertNothingDeadLettered(context);
  }

  /**
   * Asserts no record went to a dead-letter topic since {@link #watchDeadLetters}; {@code context}
   * says what ran, for the failure message.
   */
  void assertNothingDeadLettered(String context) {
    Map<TopicPartition, Long> after = deadLetterEnds(system);
    Map<String, Long> deadLettered = new TreeMap<>();
    after.forEach(
        (partition, end) -> {
          long added = end - deadLettersBefore.getOrDefault(partition, 0L);
          if (added > 0) {
            deadLettered.merge(partition.topic(), added, Long::sum);
          }
        });
    assertThat(deadLettered).as("records dead-lettered during the run (%s)", context).isEmpty();
  }

  private void assertBillingAgrees(
      Map<String, String> statuses, Map<String, String> accepted, String context)
      throws SQLException {
    Map<String, List<Charge>> charges = capturedCharges(statuses.keySet());
    Map<String, Integer> invoices = invoiceCounts(statuses.keySet());
    List<String> broken = new ArrayList<>();
    statuses.forEach(
        (order, status) -> {
          List<Charge> captured = charges.getOrDefault(order, List.of());
          int invoiced = invoices.getOrDefault(order, 0);
          String phase = accepted.getOrDefault(order, "not answered 201");
          if ("CONFIRMED".equals(status) && (captured.size() != 1 || invoiced != 1)) {
            broken.add(
                order
                    + " CONFIRMED ("
                    + phase
                    + "): charges "
                    + captured
                    + ", invoices "
                    + invoiced);
          }
          for (Charge charge : captured) {
            if (!"CONFIRMED".equals(status) && !charge.refunded()) {
              broken.add(
                  order + " " + status + " (" + phase + ") but charged, not refunded: " + charge);
            }
          }
        });
    charges.keySet().stream()
        .filter(order -> !statuses.containsKey(order))
        .forEach(order -> broken.add("charged, but no such order: " + charges.get(order)));
    assertThat(broken).as("orders where billing disagrees (%s)", context).isEmpty();
  }

  private void assertAnnouncedOnce(
      Map<String, String> statuses, List<UUID> users, Map<String, String> accepted, String context)
      throws Exception {
    Map<String, Integer> notifications = confirmationNotifications(users);
    Map<String, Set<String>> mails = confirmationMailIds();
    List<String> broken = new ArrayList<>();
    statuses.forEach(
        (order, status) -> {
          int expected = "CONFIRMED".equals(status) ? 1 : 0;
          int notified = notifications.getOrDefault(order, 0);
          Set<String> messageIds = mails.getOrDefault(order, Set.of());
          if (notified != expected || messageIds.size() != expected) {
            broken.add(
                order
                    + " "
                    + status
                    + " ("
                    + accepted.getOrDefault(order, "not answered 201")
                    + "): order-confirmed notifications "
                    + notified
                    + ", e-mails by Message-ID "
                    + messageIds.size());
          }
        });
    assertThat(broken).as("orders announced other than once (%s)", context).isEmpty();
  }

  /** How many order-confirmed notifications the users have, by the order id their body names. */
  private Map<String, Integer> confirmationNotifications(List<UUID> users) throws SQLException {
    Map<String, Integer> counts = new HashMap<>();
    try (Connection c = system.servers().postgres().connectAsSuperuser("notifications");
        PreparedStatement p =
            c.prepareStatement(
                "select body from notification where kind = 'order-confirmed' and user_id ="
                    + " any(?)")) {
      p.setArray(1, c.createArrayOf("uuid", users.toArray()));
      try (ResultSet r = p.executeQuery()) {
        while (r.next()) {
          Matcher id = ORDER_ID.matcher(r.getString(1));
          if (id.find()) {
            counts.merge(id.group(), 1, Integer::sum);
          }
        }
      }
    }
    return counts;
  }

  /** The distinct Message-IDs of the confirmation e-mails the mail server received, by order id. */
  private Map<String, Set<String>> confirmationMailIds() throws MessagingException {
    Map<String, Set<String>> ids = new HashMap<>();
    for (MimeMessage message : system.servers().smtp().receivedMessages()) {
      Matcher subject = CONFIRMATION_SUBJECT.matcher(String.valueOf(message.getSubject()));
      if (subject.matches()) {
        ids.computeIfAbsent(subject.group(1), order -> new HashSet<>()).add(message.getMessageID());
      }
    }
    return ids;
  }

  /** Status of every order of {@code users}, by order id, from the orders database. */
  private Map<String, String> orderStatuses(List<UUID> users) throws SQLException {
    return OrdersDatabases.orderStatuses(system, users);
  }

  private static Map<String, String> notTerminal(
      Map<String, String> statuses, Map<String, String> accepted) {
    return statuses.entrySet().stream()
        .filter(e -> !Set.of("CONFIRMED", "CANCELLED").contains(e.getValue()))
        .collect(
            Collectors.toMap(
                Map.Entry::getKey,
                e -> e.getValue() + " (" + accepted.getOrDefault(e.getKey(), "not 201") + ")",
                (a, b) -> a,
                TreeMap::new));
  }

  /** A charge the (simulated) payment provider captured, and whether it was refunded. */
  record Charge(String chargeId, boolean refunded) {}

  /**
   * Every charge the provider captured for the orders, by order id: the simulated provider keeps
   * its records in billing's database, as a real provider's dashboard would show them.
   */
  private Map<String, List<Charge>> capturedCharges(Set<String> orders) throws SQLException {
    Map<String, List<Charge>> charges = new HashMap<>();
    try (Connection c = system.servers().postgres().connectAsSuperuser("billing");
        PreparedStatement p =
            c.prepareStatement(
                "select c.reference, c.charge_id, exists (select 1 from simulated_provider_refund r"
                    + " where r.charge_id = c.charge_id) from simulated_provider_charge c where"
                    + " c.approved and c.reference = any(?)")) {
      p.setArray(1, c.createArrayOf("varchar", orders.toArray()));
      try (ResultSet r = p.executeQuery()) {
        while (r.next()) {
          charges
              .computeIfAbsent(r.getString(1), order -> new ArrayList<>())
              .add(new Charge(r.getString(2), r.getBoolean(3)));
        }
      }
    }
    return charges;
  }

  /** How many invoices billing issued for each of the orders that has one. */
  private Map<String, Integer> invoiceCounts(Set<String> orders) throws SQLException {
    Map<String, Integer> counts = new HashMap<>();
    try (Connection c = system.servers().postgres().connectAsSuperuser("billing");
        PreparedStatement p =
            c.prepareStatement(
                "select order_id, count(*) from invoice where order_id = any(?) group by"
                    + " order_id")) {
      p.setArray(1, c.createArrayOf("uuid", orders.toArray()));
      try (ResultSet r = p.executeQuery()) {
        while (r.next()) {
          counts.put(r.getString(1), r.getInt(2));
        }
      }
    }
    return counts;
  }

  /** The end offset of every partition of every dead-letter topic ({@code *.dlq}). */
  private static Map<TopicPartition, Long> deadLetterEnds(TesseraSystem system) {
    try (Admin admin =
        Admin.create(
            Map.of(
                AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG,
                system.servers().kafka().bootstrapServers()))) {
      Set<String> topics =
          admin.listTopics().names().get().stream()
              .filter(t -> t.endsWith(".dlq"))
              .collect(Collectors.toSet());
      Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
      admin
          .describeTopics(topics)
          .allTopicNames()
          .get()
          .forEach(
              (topic, description) ->
                  description
                      .partitions()
                      .forEach(
                          p ->
                              latest.put(
                                  new TopicPartition(topic, p.partition()), OffsetSpec.latest())));
      Map<TopicPartition, Long> ends = new HashMap<>();
      admin.listOffsets(latest).all().get().forEach((tp, info) -> ends.put(tp, info.offset()));
      return ends;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    } catch (java.util.concurrent.ExecutionException e) {
      throw new IllegalStateException("cannot read the dead-letter topics", e.getCause());
    }
  }
}
