package dev.tessera.notifications.api;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tessera.notifications.persistence.PagePosition;
import java.time.Instant;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class CursorCodecTest {

  @Test
  void a_cursor_reads_back_the_position_it_was_written_from() {
    var position =
        new PagePosition(Instant.parse("2026-01-02T03:04:05.123456Z"), UUID.randomUUID());
    String cursor = CursorCodec.encode(position);
    assertThat(cursor).doesNotContain("=", "/", "+");
    assertThat(CursorCodec.decode(cursor)).contains(position);
  }

  @Test
  void text_that_no_page_wrote_is_no_cursor() {
    // Not Base64, Base64 of nonsense, and a bad id after a good instant.
    assertThat(CursorCodec.decode("garbage!")).isEmpty();
    assertThat(CursorCodec.decode("bm9uc2Vuc2U")).isEmpty();
    assertThat(
            CursorCodec.decode(
                java.util.Base64.getUrlEncoder()
                    .encodeToString("2026-01-01T00:00:00Z|x".getBytes())))
        .isEmpty();
  }
}
