package dev.tessera.reads;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class LsnTest {

  @Test
  void a_position_reads_and_prints_as_postgres_writes_it() {
    assertThat(Lsn.parse("16/B374D848"))
        .hasValueSatisfying(l -> assertThat(l).hasToString("16/B374D848"));
    assertThat(Lsn.parse("0/0")).contains(new Lsn(0));
  }

  @Test
  void anything_else_is_no_position() {
    assertThat(Lsn.parse("yesterday")).isEmpty();
    assertThat(Lsn.parse("16/")).isEmpty();
    assertThat(Lsn.parse("123456789/0")).isEmpty();
    assertThat(Lsn.parse(null)).isEmpty();
  }

  @Test
  void positions_compare_as_unsigned_64_bit_numbers() {
    Lsn low = Lsn.parse("0/FFFFFFFF").orElseThrow();
    Lsn high = Lsn.parse("1/0").orElseThrow();
    Lsn top = Lsn.parse("FFFFFFFF/0").orElseThrow();
    assertThat(high.atLeast(low)).isTrue();
    assertThat(low.atLeast(high)).isFalse();
    assertThat(top.atLeast(high)).isTrue();
    assertThat(high.atLeast(high)).isTrue();
  }
}
