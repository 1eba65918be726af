package dev.tessera.sharding;

import static java.nio.charset.StandardCharsets.US_ASCII;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * XXH64 against vectors published with other implementations. Between them the inputs take every
 * path of the algorithm: no stripe and each tail alone (lengths 0, 1, 4, 8), all three tails (14),
 * a user id's 16 bytes, one stripe and nothing after (32), stripes then every tail (63, 222), and
 * many stripes (100 KiB); some with a seed other than 0.
 */
class XxHash64Test {

  /** The seed the reference sanity check uses besides 0 (its PRIME32). */
  private static final long PRIME32 = 2654435761L;

  /**
   * The reference implementation's sanity check, {@code XSUM_XXH64_testdata} in
   * cli/xsum_sanity_check.c of https://github.com/Cyan4973/xxHash (commit b2e9dbb, dev branch,
   * October 2024): the first {@code length} bytes of the buffer that {@link #sanityBuffer} fills.
   */
  static Stream<Arguments> reference_sanity_check() {
    return Stream.of(
        Arguments.of(0, 0L, 0xEF46DB3751D8E999L),
        Arguments.of(0, PRIME32, 0xAC75FDA2929B17EFL),
        Arguments.of(1, 0L, 0xE934A84ADB052768L),
        Arguments.of(1, PRIME32, 0x5014607643A9B4C3L),
        Arguments.of(4, 0L, 0x9136A0DCA57457EEL),
        Arguments.of(14, 0L, 0x8282DCC4994E35C8L),
        Arguments.of(14, PRIME32, 0xC3BD6BF63DEB6DF0L),
        Arguments.of(222, 0L, 0xB641AE8CB691C174L),
        Arguments.of(222, PRIME32, 0x20CB8AB7AE10C14AL));
  }

  @ParameterizedTest(name = "{0} bytes, seed {1}")
  @MethodSource("reference_sanity_check")
  void hashes_the_reference_sanity_buffer_as_the_reference_implementation_does(
      int length, long seed, long expected) {
    assertThat(XxHash64.hash(sanityBuffer(length), seed)).isEqualTo(expected);
  }

  /**
   * Seed 0. {@code TestSum} in xxhash_test.go of https://github.com/cespare/xxhash (the Go
   * implementation, commit 141c235); {@code test64OneShot} in Tests/xxHashTests/xxHashTests.swift
   * of https://github.com/daisuke-t-jp/xxHash-Swift (commit 1fbd877).
   */
  static Stream<Arguments> published_strings() {
    return Stream.of(
        // cespare/xxhash
        Arguments.of("a", 0xD24EC4F1A98C6E5BL),
        Arguments.of("as", 0x1C330FB2D66BE179L),
        Arguments.of("asd", 0x631C37CE72A97393L),
        Arguments.of("asdf", 0x415872F599CEA71EL),
        Arguments.of(
            "Call me Ishmael. Some years ago--never mind how long precisely-", 0x02A2E85470D6FD96L),
        // daisuke-t-jp/xxHash-Swift
        Arguments.of("12345678", 0xD2D02F08CF7CFD4AL),
        Arguments.of("123456789ABCDEF1", 0x2FF14A9841F54CC3L),
        Arguments.of("123456789ABCDEF123456789ABCDEF12", 0xC5B09BEBB8CD6667L));
  }

  @ParameterizedTest(name = "\"{0}\"")
  @MethodSource("published_strings")
  void hashes_published_strings_as_other_implementations_do(String input, long expected) {
    assertThat(XxHash64.hash(input.getBytes(US_ASCII), 0)).isEqualTo(expected);
  }

  /** daisuke-t-jp/xxHash-Swift, {@code test64OneShot}: 100 KiB of 0xFF, seed 0. */
  @Test
  void hashes_many_stripes_as_other_implementations_do() {
    byte[] hundredKiB = new byte[100 * 1024];
    Arrays.fill(hundredKiB, (byte) 0xFF);

    assertThat(XxHash64.hash(hundredKiB, 0)).isEqualTo(0x2F1BB6AA5D0CABCCL);
  }

  /**
   * The reference sanity check's input, as cli/xsum_sanity_check.c describes it: byte {@code i} is
   * the top byte of a generator that starts at PRIME32 and is multiplied by PRIME64 after each
   * byte.
   */
  private static byte[] sanityBuffer(int length) {
    long prime64 = 0x9E3779B185EBCA8DL; // 11400714785074694797
    long generator = PRIME32;
    byte[] buffer = new byte[length];
    for (int i = 0; i < length; i++) {
      buffer[i] = (byte) (generator >>> 56);
      generator *= prime64;
    }
    return buffer;
  }
}
