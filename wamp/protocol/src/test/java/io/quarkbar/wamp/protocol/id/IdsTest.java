package io.quarkbar.wamp.protocol.id;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.reflect.Field;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;

class IdsTest {

  private static final long MAX = 1L << 53;

  // --- global IDs ---

  @Test
  void globalIdsLieInOneToTwoToThe53() {
    for (int i = 0; i < 100_000; i++) {
      assertThat(IdGenerator.globalId()).isBetween(1L, MAX);
    }
  }

  @Test
  void globalIdsSpreadOverTheWholeRange() {
    // Uniform over [1, 2^53]: of 10,000 draws about half lie above 2^52 and nearly all above
    // 2^32 (the chance that this test fails for a correct generator is below 2^-1000).
    long[] ids = LongStream.generate(IdGenerator::globalId).limit(10_000).toArray();

    assertThat(LongStream.of(ids).filter(id -> id > MAX / 2).count()).isBetween(4_000L, 6_000L);
    assertThat(LongStream.of(ids).filter(id -> id > 1L << 32).count()).isGreaterThan(9_900L);
    assertThat(LongStream.of(ids).distinct().count()).isEqualTo(ids.length);
  }

  // --- sequences ---

  @Test
  void sequenceStartsAtOneAndGoesUpByOne() {
    IdSequence sequence = new IdSequence();

    assertThat(LongStream.generate(sequence::next).limit(5)).containsExactly(1L, 2L, 3L, 4L, 5L);
  }

  @Test
  void sequencesAreIndependent() {
    IdSequence a = new IdSequence();
    IdSequence b = new IdSequence();
    a.next();
    a.next();

    assertThat(b.next()).isEqualTo(1L);
    assertThat(a.next()).isEqualTo(3L);
  }

  @Test
  void sequenceWrapsFromTwoToThe53BackToOne() throws Exception {
    IdSequence sequence = new IdSequence();
    // 2^53 calls are out of reach; move the sequence to its end through its one counter.
    counterOf(sequence).set(MAX - 2);

    assertThat(LongStream.generate(sequence::next).limit(4)).containsExactly(MAX - 1, MAX, 1L, 2L);
  }

  @Test
  void sequenceHandsOutEveryIdOnceAcrossThreads() throws Exception {
    IdSequence sequence = new IdSequence();
    int threads = 8;
    int perThread = 20_000;
    List<Future<long[]>> results = new ArrayList<>();
    try (ExecutorService pool = Executors.newFixedThreadPool(threads)) {
      for (int t = 0; t < threads; t++) {
        results.add(
            pool.submit(() -> LongStream.generate(sequence::next).limit(perThread).toArray()));
      }
    }
    Set<Long> seen = new HashSet<>();
    for (Future<long[]> f : results) {
      for (long id : f.get()) {
        assertThat(seen.add(id)).as("ID %d handed out twice", id).isTrue();
      }
    }

    assertThat(seen).hasSize(threads * perThread);
    assertThat(seen.stream().mapToLong(Long::longValue).max().getAsLong())
        .isEqualTo((long) threads * perThread);
    assertThat(sequence.next()).isEqualTo(threads * perThread + 1L);
  }

  private static AtomicLong counterOf(IdSequence sequence) throws IllegalAccessException {
    for (Field field : IdSequence.class.getDeclaredFields()) {
      if (field.getType() == AtomicLong.class) {
        field.setAccessible(true);
        return (AtomicLong) field.get(sequence);
      }
    }
    throw new AssertionError("IdSequence keeps its state in no AtomicLong; update this test");
  }
}
