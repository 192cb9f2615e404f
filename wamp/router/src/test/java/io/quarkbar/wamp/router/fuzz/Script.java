package io.quarkbar.wamp.router.fuzz;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * The fuzzer's input to {@link RouterFuzzTest}, read as a script: a sequence of steps, each an
 * {@link Op} and the bytes it takes. Reading never fails: past the end every byte is zero, so any
 * input is a valid script and a mutation anywhere changes one decision, not the whole parse.
 *
 * <p>{@link Writer} writes the same format, for the seed corpus: each of its methods mirrors one
 * method of the reader.
 */
final class Script {

  /** What one step does. The code on the wire is the ordinal, modulo the number of ops. */
  enum Op {
    /** Raw bytes from the current attacker, as one frame. */
    FRAME,
    /** A new attacker connection, which becomes the current one. */
    CONNECT,
    /** Makes another open attacker connection the current one. */
    SWITCH,
    /** The current attacker drops its connection without a word. */
    DISCONNECT,
    HELLO,
    SUBSCRIBE,
    UNSUBSCRIBE,
    PUBLISH,
    REGISTER,
    UNREGISTER,
    CALL,
    YIELD,
    ERROR,
    GOODBYE,
    ABORT,
    CANCEL,
    AUTHENTICATE,
    /** A message only a router sends (WELCOME, EVENT, RESULT, INVOCATION, ...). */
    STRAY;

    private static final Op[] ALL = values();
  }

  private final byte[] in;
  private int pos;

  Script(byte[] in) {
    this.in = in;
  }

  boolean hasMore() {
    return pos < in.length;
  }

  Op op() {
    return Op.ALL[u8() % Op.ALL.length];
  }

  int u8() {
    return pos < in.length ? in[pos++] & 0xff : 0;
  }

  int u16() {
    return u8() << 8 | u8();
  }

  /** {@code n} bytes as a big-endian unsigned number (n at most 8). */
  long bits(int n) {
    long v = 0;
    for (int i = 0; i < n; i++) {
      v = v << 8 | u8();
    }
    return v;
  }

  boolean flag() {
    return (u8() & 1) != 0;
  }

  /** Up to {@code n} bytes: fewer if the input ends first. */
  byte[] bytes(int n) {
    int take = Math.min(n, in.length - pos);
    byte[] b = new byte[take];
    System.arraycopy(in, pos, b, 0, take);
    pos += take;
    return b;
  }

  /** Text of up to 63 bytes of UTF-8 (invalid sequences become U+FFFD, as a decoder makes them). */
  String text() {
    return new String(bytes(u8() & 0x3f), StandardCharsets.UTF_8);
  }

  <T> T pick(List<T> choices) {
    return choices.get(u8() % choices.size());
  }

  /** The writing side of the format, for the seed corpus. */
  static final class Writer {

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();

    Writer op(Op op) {
      return u8(op.ordinal());
    }

    Writer u8(int b) {
      out.write(b);
      return this;
    }

    Writer u16(int v) {
      return u8(v >>> 8).u8(v & 0xff);
    }

    Writer bits(int n, long v) {
      for (int i = n - 1; i >= 0; i--) {
        u8((int) (v >>> (8 * i)) & 0xff);
      }
      return this;
    }

    Writer flag(boolean b) {
      return u8(b ? 1 : 0);
    }

    Writer bytes(byte[] b) {
      out.writeBytes(b);
      return this;
    }

    Writer text(String s) {
      byte[] b = s.getBytes(StandardCharsets.UTF_8);
      if (b.length > 0x3f) {
        throw new IllegalArgumentException("text longer than 63 bytes: " + s);
      }
      return u8(b.length).bytes(b);
    }

    /** Picks {@code choice} out of {@code choices}. */
    <T> Writer pick(List<T> choices, T choice) {
      int i = choices.indexOf(choice);
      if (i < 0) {
        throw new IllegalArgumentException(choice + " is not one of " + choices);
      }
      return u8(i);
    }

    byte[] toByteArray() {
      return out.toByteArray();
    }
  }
}
