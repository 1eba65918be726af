package dev.tessera.eventing.outbox;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class SlotHealthTest {

  private static final long MAX = 1024;

  @Test
  void a_slot_that_keeps_up_is_healthy() {
    assertThat(SlotHealth.of("reserved", 100, MAX).healthy()).isTrue();
    assertThat(SlotHealth.of("extended", MAX, MAX).healthy()).isTrue();
  }

  @Test
  void a_missing_slot_is_reported_as_missing() {
    assertThat(SlotHealth.missing().problem()).isEqualTo("missing");
    assertThat(SlotHealth.missing().losingEvents()).isTrue();
  }

  @Test
  void an_invalidated_slot_is_lost_whatever_it_retains() {
    assertThat(SlotHealth.of("lost", 0, MAX).problem()).isEqualTo("lost");
    assertThat(SlotHealth.of("lost", 0, MAX).losingEvents()).isTrue();
  }

  @Test
  void a_slot_holding_back_more_than_the_threshold_or_about_to_be_invalidated_is_behind() {
    assertThat(SlotHealth.of("extended", MAX + 1, MAX).problem()).isEqualTo("behind");
    assertThat(SlotHealth.of("unreserved", 0, MAX).problem()).isEqualTo("behind");
    assertThat(SlotHealth.of("unreserved", 0, MAX).losingEvents()).isFalse();
  }
}
