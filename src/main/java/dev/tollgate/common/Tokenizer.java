package dev.tollgate.common;

import com.knuddels.jtokkit.Encodings;
import com.knuddels.jtokkit.api.Encoding;
import com.knuddels.jtokkit.api.EncodingType;

/**
 * Counts tokens with a real BPE tokenizer (jtokkit, {@code o200k_base}: the GPT-4o / o-series
 * encoding). Used by the mock provider and wherever an upstream reports no usage.
 */
public final class Tokenizer {
  private static final Encoding O200K = Encodings.newDefaultEncodingRegistry().getEncoding(EncodingType.O200K_BASE);

  private Tokenizer() {}

  public static int count(String text) {
    return text.isEmpty() ? 0 : O200K.countTokensOrdinary(text);
  }
}
