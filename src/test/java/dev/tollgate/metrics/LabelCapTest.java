package dev.tollgate.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class LabelCapTest {

  @Test
  void label_pastTheCap_foldsNewValuesIntoOther() {
    LabelCap cap = new LabelCap(100);
    Set<String> labels = new HashSet<>();
    for (int i = 0; i < 150; i++) {
      labels.add(cap.label("model-" + i));
    }
    assertThat(labels).hasSize(101).contains("model-0", "model-99", LabelCap.OTHER).doesNotContain("model-100");
    assertThat(cap.label("model-5")).as("an admitted value stays itself").isEqualTo("model-5");
    assertThat(cap.label("model-120")).isEqualTo(LabelCap.OTHER);
    assertThat(cap.size()).isEqualTo(100);
  }

  @Test
  void label_tooLongValue_isOtherAndTakesNoSlot() {
    LabelCap cap = new LabelCap(2);
    assertThat(cap.label("x".repeat(LabelCap.MAX_LENGTH + 1))).isEqualTo(LabelCap.OTHER);
    assertThat(cap.label("other")).isEqualTo(LabelCap.OTHER);
    assertThat(cap.size()).isZero();
    assertThat(cap.label("a")).isEqualTo("a");
  }

  @Test
  void label_concurrentNewValues_neverAdmitsMoreThanTheCap() {
    LabelCap cap = new LabelCap(100);
    Set<String> labels = ConcurrentHashMap.newKeySet();
    IntStream.range(0, 10_000).parallel().forEach(i -> labels.add(cap.label("m" + (i % 1_000))));
    assertThat(cap.size()).isEqualTo(100);
    assertThat(labels).hasSize(101);
  }
}
