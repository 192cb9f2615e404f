package io.quarkbar.wamp.protocol.serialization;

import io.quarkbar.wamp.protocol.codec.ProtocolViolationException;

/**
 * How much structure one decoded message may have: how deep its lists and dicts may nest, and how
 * many values (list items and dict entries, at every depth, the payload's included) it may hold. A
 * message beyond either is a protocol violation, found while it is read, before it can cost more
 * memory than its own size allows.
 *
 * <p>The limits hold for every serializer in the JVM (the readers are per-thread and shared, as the
 * serializers are); a router sets them from its configuration once at start-up.
 */
public final class DecodeLimits {

  /** The deepest nesting a limit may allow: the bound the parsers themselves are built with. */
  public static final int MAX_NESTING = 200;

  /** The default nesting limit: no WAMP client nests anywhere near this. */
  public static final int DEFAULT_NESTING = 64;

  /** The default value limit: 100,000 values in one message. */
  public static final int DEFAULT_ELEMENTS = 100_000;

  private static volatile int nesting = DEFAULT_NESTING;
  private static volatile int elements = DEFAULT_ELEMENTS;

  private DecodeLimits() {}

  /**
   * Sets both limits.
   *
   * @throws IllegalArgumentException when {@code maxNesting} is not in [1, {@link #MAX_NESTING}] or
   *     {@code maxElements} is not positive
   */
  public static void set(int maxNesting, int maxElements) {
    if (maxNesting < 1 || maxNesting > MAX_NESTING) {
      throw new IllegalArgumentException("nesting limit must be in [1, " + MAX_NESTING + "]");
    }
    if (maxElements < 1) {
      throw new IllegalArgumentException("element limit must be positive");
    }
    nesting = maxNesting;
    elements = maxElements;
  }

  public static int maxNesting() {
    return nesting;
  }

  public static int maxElements() {
    return elements;
  }

  static ProtocolViolationException tooDeep(Serializer serializer, int limit) {
    return new ProtocolViolationException(
        "invalid " + serializer.name() + ": nesting depth exceeds " + limit);
  }

  static ProtocolViolationException tooMany(int limit) {
    return new ProtocolViolationException("the message holds more than " + limit + " values");
  }
}
