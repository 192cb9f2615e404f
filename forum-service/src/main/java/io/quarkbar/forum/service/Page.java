package io.quarkbar.forum.service;

import java.util.List;
import java.util.function.Function;

/**
 * One page of a list, as docs/api.md's {@code Page<T>}: pages are numbered from 1 and hold {@link
 * #SIZE} items; {@code total} counts the items on all pages. A page past the end is empty.
 */
public record Page<T>(int page, int pageSize, long total, List<T> items) {

  /** Items per page, as the API fixes it. */
  public static final int SIZE = 20;

  /** Whether page {@code page} starts past the last of {@code total} items. */
  static boolean isPastEnd(int page, long total) {
    return (long) (page - 1) * SIZE >= total;
  }

  static <T> Page<T> empty(int page, long total) {
    return new Page<>(page, SIZE, total, List.of());
  }

  public <R> Page<R> map(Function<? super T, ? extends R> mapper) {
    return new Page<>(page, pageSize, total, items.stream().<R>map(mapper).toList());
  }
}
