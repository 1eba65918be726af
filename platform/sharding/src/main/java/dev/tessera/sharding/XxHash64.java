package dev.tessera.sharding;

/**
 * XXH64, written from the xxHash specification (doc/xxhash_spec.md in Cyan4973/xxHash, "XXH64
 * Algorithm Description"): the hash that places a user on a shard.
 *
 * <p>Ours rather than lz4-java's {@code XXHashFactory}: it is a page of code, checked against the
 * vectors published with the reference and two other implementations ({@code XxHash64Test}), and a
 * shard assignment that must never change should not hang on a library that can swap in a native
 * implementation underneath it.
 */
final class XxHash64 {

  private static final long PRIME64_1 = 0x9E3779B185EBCA87L;
  private static final long PRIME64_2 = 0xC2B2AE3D27D4EB4FL;
  private static final long PRIME64_3 = 0x165667B19E3779F9L;
  private static final long PRIME64_4 = 0x85EBCA77C2B2AE63L;
  private static final long PRIME64_5 = 0x27D4EB2F165667C5L;

  private XxHash64() {}

  /** XXH64 of all of {@code input} with {@code seed}; Java's wrapping arithmetic is the spec's. */
  static long hash(byte[] input, long seed) {
    int length = input.length;
    int at = 0;
    long acc;
    if (length >= 32) {
      long acc1 = seed + PRIME64_1 + PRIME64_2;
      long acc2 = seed + PRIME64_2;
      long acc3 = seed;
      long acc4 = seed - PRIME64_1;
      for (int stripesEnd = length - length % 32; at < stripesEnd; at += 32) {
        acc1 = round(acc1, littleEndianLong(input, at));
        acc2 = round(acc2, littleEndianLong(input, at + 8));
        acc3 = round(acc3, littleEndianLong(input, at + 16));
        acc4 = round(acc4, littleEndianLong(input, at + 24));
      }
      acc =
          Long.rotateLeft(acc1, 1)
              + Long.rotateLeft(acc2, 7)
              + Long.rotateLeft(acc3, 12)
              + Long.rotateLeft(acc4, 18);
      acc = mergeAccumulator(acc, acc1);
      acc = mergeAccumulator(acc, acc2);
      acc = mergeAccumulator(acc, acc3);
      acc = mergeAccumulator(acc, acc4);
    } else {
      acc = seed + PRIME64_5;
    }
    acc += length;
    for (; length - at >= 8; at += 8) {
      acc ^= round(0, littleEndianLong(input, at));
      acc = Long.rotateLeft(acc, 27) * PRIME64_1 + PRIME64_4;
    }
    if (length - at >= 4) {
      acc ^= littleEndianUnsignedInt(input, at) * PRIME64_1;
      acc = Long.rotateLeft(acc, 23) * PRIME64_2 + PRIME64_3;
      at += 4;
    }
    for (; at < length; at++) {
      acc ^= (input[at] & 0xFFL) * PRIME64_5;
      acc = Long.rotateLeft(acc, 11) * PRIME64_1;
    }
    acc ^= acc >>> 33;
    acc *= PRIME64_2;
    acc ^= acc >>> 29;
    acc *= PRIME64_3;
    acc ^= acc >>> 32;
    return acc;
  }

  private static long round(long acc, long lane) {
    acc += lane * PRIME64_2;
    acc = Long.rotateLeft(acc, 31);
    return acc * PRIME64_1;
  }

  private static long mergeAccumulator(long acc, long accN) {
    acc ^= round(0, accN);
    acc *= PRIME64_1;
    return acc + PRIME64_4;
  }

  private static long littleEndianLong(byte[] b, int at) {
    return (b[at] & 0xFFL)
        | (b[at + 1] & 0xFFL) << 8
        | (b[at + 2] & 0xFFL) << 16
        | (b[at + 3] & 0xFFL) << 24
        | (b[at + 4] & 0xFFL) << 32
        | (b[at + 5] & 0xFFL) << 40
        | (b[at + 6] & 0xFFL) << 48
        | (b[at + 7] & 0xFFL) << 56;
  }

  private static long littleEndianUnsignedInt(byte[] b, int at) {
    return (b[at] & 0xFFL)
        | (b[at + 1] & 0xFFL) << 8
        | (b[at + 2] & 0xFFL) << 16
        | (b[at + 3] & 0xFFL) << 24;
  }
}
