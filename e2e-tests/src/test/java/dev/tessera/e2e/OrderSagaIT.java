package dev.tessera.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tessera.e2e.GatewayClient.Response;
import dev.tessera.e2e.GatewayClient.Session;
import jakarta.mail.MessagingException;
import java.math.BigDecimal;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** The order saga across orders, billing and notifications, driven only through the gateway. */
class OrderSagaIT {

  static final Duration SAGA = Duration.ofSeconds(60);

  private final GatewayClient gateway = WholeSystem.gateway();

  @Test
  void a_paid_order_is_confirmed_invoiced_and_announced_in_app_and_by_mail() {
    Session ada = gateway.signUpAndLogIn("Ada");
    String orderId = placeOrder(ada);

    awaitStatus(ada, orderId, "CONFIRMED");
    await()
        .atMost(SAGA)
        .until(
            () ->
                GatewayClient.items(gateway.get("/api/billing/invoices", ada.accessToken()).body())
                    .stream()
                    .anyMatch(invoice -> invoice.toString().contains(orderId)));
    await().atMost(SAGA).until(() -> notificationsMentioning(ada, orderId) >= 1);
    await().atMost(SAGA).until(() -> mailTo(ada) >= 2); // welcome + order confirmed
  }

  @Test
  void a_declined_card_cancels_the_order_and_tells_the_user() {
    Session bob = gateway.signUpAndLogIn("Bob");
    await()
        .atMost(SAGA)
        .until(() -> gateway.get("/api/billing/account", bob.accessToken()).status() == 200);
    assertThat(
            gateway
                .put(
                    "/api/billing/account/payment-method",
                    bob.accessToken(),
                    Map.of("token", "tok_chargeDeclined"))
                .status())
        .isBetween(200, 204);

    String orderId = placeOrder(bob);

    awaitStatus(bob, orderId, "CANCELLED");
    await().atMost(SAGA).until(() -> notificationsMentioning(bob, orderId) >= 1);
  }

  @Test
  void cancelling_a_paid_order_refunds_it_and_tells_the_user() {
    Session cy = gateway.signUpAndLogIn("Cy");
    String orderId = placeOrder(cy);
    awaitStatus(cy, orderId, "CONFIRMED");

    Response cancellation =
        gateway.post("/api/orders/" + orderId + "/cancellation", cy.accessToken(), Map.of());
    assertThat(cancellation.status()).isBetween(200, 204);

    awaitStatus(cy, orderId, "CANCELLED");
    await().atMost(SAGA).until(() -> notificationsMentioning(cy, orderId) >= 2);

    // Billing's API has no refund view: an invoice stays as issued (no status, no credit note).
    // What shows the refund itself is billing's PaymentRefunded, which it records only with the
    // provider's refund: notifications turns it into a "payment-refunded" item and e-mail, for the
    // amount the invoice charged.
    List<JsonNode> invoices = invoicesOf(cy, orderId);
    assertThat(invoices).as("the paid order's invoice, unchanged by the refund").hasSize(1);
    String charged = displayAmount(invoices.get(0).get("total"));
    await()
        .atMost(SAGA)
        .until(() -> !notificationsOfType(cy, "payment-refunded", orderId).isEmpty());
    List<JsonNode> refunds = notificationsOfType(cy, "payment-refunded", orderId);
    assertThat(refunds).as("one refund, not two").hasSize(1);
    assertThat(refunds.get(0).get("category").asText()).isEqualTo("payments");
    assertThat(refunds.get(0).get("body").asText())
        .isEqualTo("We refunded " + charged + " for order " + orderId + ".");
    String refundMail = "We refunded " + charged + " for order " + orderId;
    await().atMost(SAGA).until(() -> mailSubjectsTo(cy).contains(refundMail));
    assertThat(mailSubjectsTo(cy)).filteredOn(refundMail::equals).hasSize(1);
    assertThat(notificationsOfType(cy, "order-cancelled", orderId)).hasSize(1);
  }

  @Test
  void replaying_an_order_with_its_idempotency_key_creates_nothing_new() {
    Session dee = gateway.signUpAndLogIn("Dee");
    UUID key = UUID.randomUUID();
    Object body = Map.of("items", List.of(Map.of("sku", firstSku(), "quantity", 1)));
    Response first = gateway.postIdempotent("/api/orders", dee.accessToken(), body, key);
    Response again = gateway.postIdempotent("/api/orders", dee.accessToken(), body, key);

    assertThat(first.status()).isEqualTo(201);
    assertThat(again.status()).isEqualTo(201);
    assertThat(again.body().get("id")).isEqualTo(first.body().get("id"));
    assertThat(GatewayClient.items(gateway.get("/api/orders", dee.accessToken()).body()))
        .hasSize(1);
  }

  @Test
  void another_user_cannot_see_an_order() {
    Session owner = gateway.signUpAndLogIn("Owner");
    Session stranger = gateway.signUpAndLogIn("Stranger");
    String orderId = placeOrder(owner);

    assertThat(gateway.get("/api/orders/" + orderId, stranger.accessToken()).status())
        .isEqualTo(404);
  }

  String placeOrder(Session session) {
    return placeOrder(session, firstSku());
  }

  /** Places an order of two of {@code sku}; returns its id once it is accepted. */
  String placeOrder(Session session, String sku) {
    Response placed =
        gateway.postIdempotent(
            "/api/orders",
            session.accessToken(),
            Map.of("items", List.of(Map.of("sku", sku, "quantity", 2))),
            UUID.randomUUID());
    assertThat(placed.status()).as(placed.toString()).isEqualTo(201);
    assertThat(placed.header("Location")).isNotBlank();
    assertThat(placed.body().get("status").asText()).isEqualTo("PENDING_PAYMENT");
    return placed.body().get("id").asText();
  }

  void awaitStatus(Session session, String orderId, String status) {
    await()
        .atMost(SAGA)
        .until(
            () -> {
              JsonNode order = gateway.get("/api/orders/" + orderId, session.accessToken()).body();
              return order != null && status.equals(order.path("status").asText());
            });
  }

  String firstSku() {
    Response catalog = gateway.get("/api/orders/catalog", null);
    assertThat(catalog.status()).isEqualTo(200);
    return GatewayClient.items(catalog.body()).get(0).get("sku").asText();
  }

  long notificationsMentioning(Session session, String text) {
    return GatewayClient.items(gateway.get("/api/notifications", session.accessToken()).body())
        .stream()
        .filter(n -> n.toString().contains(text))
        .count();
  }

  int mailTo(Session session) {
    return WholeSystem.get().servers().smtp().receivedMessagesTo(session.email()).size();
  }

  /** The user's orders (up to the API's largest page, 100). */
  List<JsonNode> orders(Session session) {
    return GatewayClient.items(gateway.get("/api/orders?limit=100", session.accessToken()).body());
  }

  /** Status of each of the user's orders, by order id. */
  Map<String, String> orderStatuses(Session session) {
    return orders(session).stream()
        .collect(
            Collectors.toMap(
                o -> o.get("id").asText(), o -> o.path("status").asText(), (a, b) -> a));
  }

  /** The user's invoices (up to the API's largest page, 100). */
  List<JsonNode> invoices(Session session) {
    Response page = gateway.get("/api/billing/invoices?limit=100", session.accessToken());
    assertThat(page.status()).as(page.toString()).isEqualTo(200);
    return GatewayClient.items(page.body());
  }

  /** The user's invoices for {@code orderId}. */
  List<JsonNode> invoicesOf(Session session, String orderId) {
    return invoices(session).stream()
        .filter(invoice -> orderId.equals(invoice.path("orderId").asText()))
        .toList();
  }

  /** The user's in-app notifications (up to the API's largest page, 100). */
  List<JsonNode> notifications(Session session) {
    return GatewayClient.items(
        gateway.get("/api/notifications?limit=100", session.accessToken()).body());
  }

  /** The user's notifications of {@code type} (e.g. {@code order-confirmed}) about the order. */
  List<JsonNode> notificationsOfType(Session session, String type, String orderId) {
    return notifications(session).stream()
        .filter(n -> type.equals(n.path("type").asText()))
        .filter(n -> n.path("body").asText().contains(orderId))
        .toList();
  }

  /** The subject of every e-mail the SMTP server received for the user, in arrival order. */
  List<String> mailSubjectsTo(Session session) {
    return WholeSystem.get().servers().smtp().receivedMessagesTo(session.email()).stream()
        .map(
            message -> {
              try {
                return message.getSubject();
              } catch (MessagingException e) {
                throw new IllegalStateException("unreadable mail to " + session.email(), e);
              }
            })
        .toList();
  }

  /** The subject of the e-mail that confirms {@code orderId} (email-templates/order-confirmed). */
  static String confirmationMailSubject(String orderId) {
    return "Your order " + orderId + " is confirmed";
  }

  /** An API amount ({@code {"amount": 1998, "currency": "EUR"}}) as mails show it: 19.98 EUR. */
  static String displayAmount(JsonNode amount) {
    return BigDecimal.valueOf(amount.get("amount").asLong(), 2).toPlainString()
        + " "
        + amount.get("currency").asText();
  }
}
