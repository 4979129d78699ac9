package dev.tollgate.providers;

import dev.tollgate.common.InvalidRequestException;

/** A {@code data:<media-type>;base64,<data>} URL, as OpenAI clients send inline images and files. */
record DataUrl(String mediaType, String data) {
  static DataUrl parse(String url, String param) {
    int comma = url.indexOf(',');
    String head = comma < 0 ? "" : url.substring(5, comma);
    if (!url.startsWith("data:") || comma < 0 || !head.endsWith(";base64") || head.length() <= 7) {
      throw new InvalidRequestException(param, param + ": '" + (url.length() > 40 ? url.substring(0, 40) + "…" : url)
          + "' (expected: a data URL such as data:image/png;base64,...)");
    }
    return new DataUrl(head.substring(0, head.length() - 7), url.substring(comma + 1));
  }

  String toUrl() {
    return "data:" + mediaType + ";base64," + data;
  }
}
