package io.quarkbar.bench.client;

import io.netty.buffer.ByteBuf;
import io.quarkbar.wamp.protocol.serialization.Serializer;

/**
 * Just enough of each serializer to route a reply without decoding it: the leading integers of a
 * message (type code, request IDs), read in place, and an integer written in the serializer's
 * shortest form. A full decode per message would cost the load generator more CPU than the router
 * spends, and the load generator has one core, like the router.
 */
public final class Wire {

  /** What {@link #intAt} returns when the element is missing or not an integer. */
  public static final long NOT_AN_INT = Long.MIN_VALUE;

  private Wire() {}

  /** The {@code index}-th element of the message in {@code b}, if it and all before it are ints. */
  public static long intAt(Serializer serializer, ByteBuf b, int index) {
    try {
      return switch (serializer) {
        case JSON -> jsonIntAt(b, index);
        case MSGPACK -> Binary.MSGPACK.intAt(b, index);
        case CBOR -> Binary.CBOR.intAt(b, index);
      };
    } catch (IndexOutOfBoundsException truncated) {
      return NOT_AN_INT;
    }
  }

  /** Writes {@code value} (non-negative) as the serializer encodes an integer. */
  public static void writeInt(Serializer serializer, ByteBuf out, long value) {
    switch (serializer) {
      case JSON -> writeDecimal(out, value);
      case MSGPACK -> Binary.MSGPACK.writeUint(out, value);
      case CBOR -> Binary.CBOR.writeUint(out, value);
    }
  }

  private static long jsonIntAt(ByteBuf b, int index) {
    int i = skipSpace(b, b.readerIndex());
    if (b.getByte(i) != '[') {
      return NOT_AN_INT;
    }
    i++;
    for (int element = 0; ; element++) {
      i = skipSpace(b, i);
      long value = 0;
      int start = i;
      byte c;
      while ((c = b.getByte(i)) >= '0' && c <= '9') {
        value = value * 10 + (c - '0');
        i++;
      }
      if (i == start) {
        return NOT_AN_INT;
      }
      if (element == index) {
        return value;
      }
      i = skipSpace(b, i);
      if (b.getByte(i) != ',') {
        return NOT_AN_INT;
      }
      i++;
    }
  }

  private static int skipSpace(ByteBuf b, int i) {
    byte c;
    while ((c = b.getByte(i)) == ' ' || c == '\n' || c == '\r' || c == '\t') {
      i++;
    }
    return i;
  }

  private static void writeDecimal(ByteBuf out, long value) {
    if (value < 10) {
      out.writeByte('0' + (int) value);
      return;
    }
    int digits = 0;
    for (long v = value; v > 0; v /= 10) {
      digits++;
    }
    int end = out.writerIndex() + digits;
    out.ensureWritable(digits);
    for (int at = end - 1; at >= out.writerIndex(); at--) {
      out.setByte(at, '0' + (int) (value % 10));
      value /= 10;
    }
    out.writerIndex(end);
  }

  /**
   * msgpack and CBOR, which share a layout: an array header, then each unsigned integer either in
   * its type byte (below {@code tinyBound}) or after a type byte that gives its width (1, 2, 4 or 8
   * bytes, big-endian). They differ in the bytes and in msgpack's extra integer forms.
   */
  private enum Binary {
    MSGPACK(0x80, 0xcc, 0xcd, 0xce, 0xcf),
    CBOR(24, 0x18, 0x19, 0x1a, 0x1b);

    private final int tinyBound;
    private final int tag8;
    private final int tag16;
    private final int tag32;
    private final int tag64;

    Binary(int tinyBound, int tag8, int tag16, int tag32, int tag64) {
      this.tinyBound = tinyBound;
      this.tag8 = tag8;
      this.tag16 = tag16;
      this.tag32 = tag32;
      this.tag64 = tag64;
    }

    long intAt(ByteBuf b, int index) {
      int i = firstElement(b);
      if (i < 0) {
        return NOT_AN_INT;
      }
      for (int element = 0; ; element++) {
        int size = intSize(b.getUnsignedByte(i));
        long value = size == 0 ? NOT_AN_INT : intValue(b, i);
        if (value == NOT_AN_INT || element == index) {
          return value;
        }
        i += size;
      }
    }

    void writeUint(ByteBuf out, long value) {
      if (value < tinyBound) {
        out.writeByte((int) value);
      } else if (value < 0x100) {
        out.writeByte(tag8).writeByte((int) value);
      } else if (value < 0x10000) {
        out.writeByte(tag16).writeShort((int) value);
      } else if (value < 0x100000000L) {
        out.writeByte(tag32).writeInt((int) value);
      } else {
        out.writeByte(tag64).writeLong(value);
      }
    }

    /** Where the first element of the array at the reader index starts; -1: not an array. */
    private int firstElement(ByteBuf b) {
      int i = b.readerIndex();
      int head = b.getUnsignedByte(i);
      return switch (this) {
        case MSGPACK -> {
          if (head >= 0x90 && head <= 0x9f) {
            yield i + 1;
          }
          yield head == 0xdc ? i + 3 : head == 0xdd ? i + 5 : -1;
        }
        case CBOR -> {
          if ((head >= 0x80 && head <= 0x97) || head == 0x9f) {
            yield i + 1;
          }
          yield head == 0x98 ? i + 2 : head == 0x99 ? i + 3 : head == 0x9a ? i + 5 : -1;
        }
      };
    }

    /** Bytes of the integer whose type byte is {@code t}, type byte included; 0: not an integer. */
    private int intSize(int t) {
      if (t < tinyBound) {
        return 1;
      } else if (t == tag8) {
        return 2;
      } else if (t == tag16) {
        return 3;
      } else if (t == tag32) {
        return 5;
      } else if (t == tag64) {
        return 9;
      }
      // msgpack's int64 and float64: some JavaScript encoders write integers of 2^32 and above
      // as float64.
      return this == MSGPACK && (t == 0xd3 || t == 0xcb) ? 9 : 0;
    }

    /** The integer at {@code i}, or {@link #NOT_AN_INT} for a float64 with a fraction. */
    private long intValue(ByteBuf b, int i) {
      int t = b.getUnsignedByte(i);
      if (t < tinyBound) {
        return t;
      } else if (t == tag8) {
        return b.getUnsignedByte(i + 1);
      } else if (t == tag16) {
        return b.getUnsignedShort(i + 1);
      } else if (t == tag32) {
        return b.getUnsignedInt(i + 1);
      } else if (t == 0xcb && this == MSGPACK) {
        double d = b.getDouble(i + 1);
        return d == Math.rint(d) ? (long) d : NOT_AN_INT;
      }
      return b.getLong(i + 1);
    }
  }
}
