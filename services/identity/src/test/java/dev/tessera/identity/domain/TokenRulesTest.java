package dev.tessera.identity.domain;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class TokenRulesTest {

  private static final Instant NOW = Instant.parse("2026-11-28T10:00:00.700Z");
  private static final Duration TTL = Duration.ofMinutes(15);

  @Test
  void an_access_token_lives_15_minutes_from_the_whole_second_it_was_issued() {
    AccessTokenClaims claims = issue(null);
    assertThat(claims.issuedAt()).isEqualTo(Instant.parse("2026-11-28T10:00:00Z"));
    assertThat(claims.expiresAt()).isEqualTo(Instant.parse("2026-11-28T10:15:00Z"));
    assertThat(claims.remainingSeconds(NOW)).isBetween(899L, 901L);
  }

  @Test
  void a_cut_off_revokes_tokens_of_its_second_and_spares_tokens_issued_right_after_it() {
    AccessTokenClaims before = issue(null);
    Instant cutoff = RevocationCutoff.after(NOW);
    assertThat(
            RevocationCutoff.revokes(cutoff.getEpochSecond(), before.issuedAt().getEpochSecond()))
        .isTrue();

    AccessTokenClaims after = issue(cutoff);
    assertThat(after.issuedAt()).isEqualTo(cutoff);
    assertThat(RevocationCutoff.revokes(cutoff.getEpochSecond(), after.issuedAt().getEpochSecond()))
        .isFalse();
  }

  @Test
  void each_token_gets_its_own_id() {
    assertThat(issue(null).tokenId()).isNotEqualTo(issue(null).tokenId());
  }

  @Test
  void refresh_tokens_rotate_once_and_a_replay_is_detected() {
    Instant expires = NOW.plus(Duration.ofDays(14));
    assertThat(RefreshDecision.decide(false, null, null, expires, NOW))
        .isEqualTo(RefreshDecision.UNKNOWN);
    assertThat(RefreshDecision.decide(true, null, null, expires, NOW))
        .isEqualTo(RefreshDecision.ROTATE);
    assertThat(RefreshDecision.decide(true, NOW, null, expires, NOW))
        .isEqualTo(RefreshDecision.REUSED);
    assertThat(RefreshDecision.decide(true, null, NOW, expires, NOW))
        .isEqualTo(RefreshDecision.REUSED);
    assertThat(RefreshDecision.decide(true, null, null, NOW, NOW))
        .isEqualTo(RefreshDecision.EXPIRED);
  }

  @Test
  void roles_are_stored_and_claimed_in_lower_case() {
    assertThat(Role.format(List.of(Role.USER, Role.ADMIN))).isEqualTo("user,admin");
    assertThat(Role.parse("user,admin")).containsExactly(Role.USER, Role.ADMIN);
  }

  private static AccessTokenClaims issue(Instant notBefore) {
    return AccessTokenClaims.issue(
        "tessera-identity",
        "tessera",
        UUID.randomUUID(),
        List.of(Role.USER),
        UUID.randomUUID(),
        NOW,
        notBefore,
        TTL);
  }
}
