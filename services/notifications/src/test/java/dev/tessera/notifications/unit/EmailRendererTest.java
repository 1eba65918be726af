package dev.tessera.notifications.unit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tessera.notifications.domain.MessageIds;
import dev.tessera.notifications.domain.NotificationDraft;
import dev.tessera.notifications.domain.NotificationKind;
import dev.tessera.notifications.email.EmailRenderer;
import dev.tessera.notifications.email.RenderedEmail;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class EmailRendererTest {

  private final EmailRenderer renderer = new EmailRenderer();

  @Test
  void an_order_confirmation_names_the_order_in_subject_text_and_html() {
    UUID order = UUID.randomUUID();
    NotificationDraft draft = NotificationDraft.orderConfirmed(UUID.randomUUID(), order);

    RenderedEmail email = renderer.render(draft.kind(), "Grace", draft.values());

    assertThat(email.subject()).isEqualTo("Your order " + order + " is confirmed");
    assertThat(email.text()).startsWith("Hello Grace,").contains(order.toString());
    assertThat(email.html()).contains("<strong>" + order + "</strong>").contains("Hello Grace,");
  }

  @Test
  void values_are_escaped_in_html_but_not_in_text() {
    RenderedEmail email =
        renderer.render(
            NotificationKind.WELCOME, "<script>x</script> & co", Map.of("displayName", "ignored"));

    assertThat(email.html())
        .contains("&lt;script&gt;x&lt;/script&gt; &amp; co")
        .doesNotContain("<script>");
    assertThat(email.text()).contains("<script>x</script> & co");
  }

  @Test
  void every_kind_renders_with_the_values_its_draft_carries() {
    UUID user = UUID.randomUUID();
    UUID order = UUID.randomUUID();
    for (NotificationDraft draft :
        new NotificationDraft[] {
          NotificationDraft.welcome(user, "Ada"),
          NotificationDraft.accountSuspended(user, "abuse"),
          NotificationDraft.accountReinstated(user),
          NotificationDraft.orderConfirmed(user, order),
          NotificationDraft.orderCancelled(user, order, "payment_failed"),
          NotificationDraft.paymentFailed(user, order, 1999, "EUR", "insufficient_funds"),
          NotificationDraft.paymentRefunded(user, order, 1999, "EUR")
        }) {
      RenderedEmail email = renderer.render(draft.kind(), "Ada", draft.values());
      assertThat(email.subject()).as(draft.kind().code()).isNotBlank().doesNotContain("\n");
      assertThat(email.text()).as(draft.kind().code()).contains("Hello Ada,");
      assertThat(email.html()).as(draft.kind().code()).contains("<html");
    }
  }

  @Test
  void a_template_value_that_is_missing_fails_instead_of_printing_nothing() {
    assertThatThrownBy(() -> renderer.render(NotificationKind.ORDER_CONFIRMED, "Ada", Map.of()))
        .hasMessageContaining("orderId");
  }

  @Test
  void the_message_id_is_derived_from_the_event_id_alone() {
    UUID event = UUID.randomUUID();
    assertThat(MessageIds.forEvent(event))
        .isEqualTo(MessageIds.forEvent(event))
        .isEqualTo("<" + event + "@notifications.tessera.dev>");
  }
}
