package dev.tollgate.common;

import java.security.SecureRandom;
import java.util.concurrent.ThreadLocalRandom;

/** Identifiers and secrets. Secrets come from {@link SecureRandom}; plain ids need only be unique. */
public final class Ids {
  private static final char[] BASE62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz".toCharArray();
  private static final char[] HEX = "0123456789abcdef".toCharArray();
  private static final SecureRandom SECURE = new SecureRandom();

  private Ids() {}

  /** A 128-bit random request id as 32 hex characters. */
  public static String requestId() {
    ThreadLocalRandom r = ThreadLocalRandom.current();
    char[] out = new char[32];
    long a = r.nextLong();
    long b = r.nextLong();
    for (int i = 0; i < 16; i++) {
      out[i] = HEX[(int) (a >>> (60 - 4 * i)) & 0xf];
      out[16 + i] = HEX[(int) (b >>> (60 - 4 * i)) & 0xf];
    }
    return new String(out);
  }

  /** A short unique id with a type prefix, e.g. {@code key_3fA9...}. */
  public static String prefixed(String prefix) {
    return prefix + "_" + base62(ThreadLocalRandom.current(), 16);
  }

  /** A secret of {@code length} base62 characters (about 5.95 bits each) from a CSPRNG. */
  public static String secret(String prefix, int length) {
    return prefix + base62(SECURE, length);
  }

  private static String base62(java.util.Random random, int length) {
    char[] out = new char[length];
    for (int i = 0; i < length; i++) {
      out[i] = BASE62[random.nextInt(BASE62.length)];
    }
    return new String(out);
  }
}
