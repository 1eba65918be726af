package dev.tessera.eventing.inbox;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tessera.contracts.EventTypes;
import dev.tessera.contracts.identity.UserRegistered;
import io.smallrye.mutiny.Uni;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class EventHandlersTest {

  private static final EventHandler<UserRegistered> NOTHING =
      (session, event) -> Uni.createFrom().voidItem();

  @Test
  void a_consumer_routed_by_user_reads_the_user_from_any_payload_even_of_an_unknown_type() {
    EventHandlers routed =
        EventHandlers.consumer("c")
            .routedByUser("userId")
            .on(EventTypes.USER_REGISTERED, NOTHING)
            .build();
    UUID user = UUID.randomUUID();

    assertThat(routed.userOf("{\"userId\":\"" + user + "\",\"somethingNew\":1}")).contains(user);
    assertThat(routed.userOf("{\"orderId\":\"" + user + "\"}")).isEmpty();
    assertThat(routed.userOf("{\"userId\":\"not a uuid\"}")).isEmpty();
    assertThat(routed.userOf("{\"userId\":42}")).isEmpty();
    assertThat(routed.userOf("not json")).isEmpty();
    assertThat(routed.userOf(null)).isEmpty();
  }

  @Test
  void a_consumer_not_routed_by_user_names_no_user() {
    EventHandlers plain =
        EventHandlers.consumer("c").on(EventTypes.USER_REGISTERED, NOTHING).build();

    assertThat(plain.userOf("{\"userId\":\"" + UUID.randomUUID() + "\"}")).isEmpty();
  }
}
