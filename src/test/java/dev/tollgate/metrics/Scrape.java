package dev.tollgate.metrics;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** A parsed Prometheus text scrape: one sample per line, {@code name{labels} value}. */
record Scrape(List<Sample> samples) {
  record Sample(String name, Map<String, String> labels, double value) {}

  static Scrape parse(String text) {
    List<Sample> out = new ArrayList<>();
    for (String line : text.split("\n")) {
      if (line.isBlank() || line.startsWith("#")) {
        continue;
      }
      int brace = line.indexOf('{');
      int space = line.lastIndexOf(' ');
      Map<String, String> labels = new LinkedHashMap<>();
      String name;
      if (brace >= 0 && brace < space) {
        name = line.substring(0, brace);
        String body = line.substring(brace + 1, line.lastIndexOf('}'));
        for (String pair : body.split("\",")) {
          if (pair.isEmpty()) {
            continue;
          }
          int eq = pair.indexOf('=');
          labels.put(pair.substring(0, eq), pair.substring(eq + 2).replaceAll("\"$", ""));
        }
      } else {
        name = line.substring(0, space);
      }
      out.add(new Sample(name, labels, Double.parseDouble(line.substring(space + 1))));
    }
    return new Scrape(out);
  }

  /** The sum of {@code name}'s samples whose labels include all of {@code match} (key, value, key, value ...). */
  double sum(String name, String... match) {
    return matching(name, match).stream().mapToDouble(Sample::value).sum();
  }

  List<Sample> matching(String name, String... match) {
    List<Sample> out = new ArrayList<>();
    for (Sample s : samples) {
      if (!s.name().equals(name)) {
        continue;
      }
      boolean ok = true;
      for (int i = 0; i < match.length; i += 2) {
        ok &= match[i + 1].equals(s.labels().get(match[i]));
      }
      if (ok) {
        out.add(s);
      }
    }
    return out;
  }

  /** The distinct values of {@code label} over {@code name}'s samples. */
  java.util.Set<String> values(String name, String label) {
    java.util.Set<String> out = new java.util.TreeSet<>();
    samples.stream().filter(s -> s.name().equals(name) && s.labels().containsKey(label))
        .forEach(s -> out.add(s.labels().get(label)));
    return out;
  }
}
