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
        case MSGPACK -> msgpackIntAt(b, index);
        case CBOR -> cborIntAt(b, index);
      };
    } catch (IndexOutOfBoundsException truncated) {
      return NOT_AN_INT;
    }
  }

  /** Writes {@code value} (non-negative) as the serializer encodes an integer. */
  public static void writeInt(Serializer serializer, ByteBuf out, long value) {
    switch (serializer) {
      case JSON -> writeDecimal(out, value);
      case MSGPACK -> writeMsgpackUint(out, value);
      case CBOR -> writeCborUint(out, value);
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

  private static long msgpackIntAt(ByteBuf b, int index) {
    int i = b.readerIndex();
    int head = b.getUnsignedByte(i);
    if (head >= 0x90 && head <= 0x9f) {
      i += 1;
    } else if (head == 0xdc) {
      i += 3;
    } else if (head == 0xdd) {
      i += 5;
    } else {
      return NOT_AN_INT;
    }
    for (int element = 0; ; element++) {
      int t = b.getUnsignedByte(i);
      long value;
      int size;
      if (t <= 0x7f) {
        value = t;
        size = 1;
      } else if (t == 0xcc) {
        value = b.getUnsignedByte(i + 1);
        size = 2;
      } else if (t == 0xcd) {
        value = b.getUnsignedShort(i + 1);
        size = 3;
      } else if (t == 0xce) {
        value = b.getUnsignedInt(i + 1);
        size = 5;
      } else if (t == 0xcf || t == 0xd3) {
        value = b.getLong(i + 1);
        size = 9;
      } else if (t == 0xcb) {
        // Some JavaScript encoders write integers of 2^32 and above as float64.
        double d = b.getDouble(i + 1);
        if (d != Math.rint(d)) {
          return NOT_AN_INT;
        }
        value = (long) d;
        size = 9;
      } else {
        return NOT_AN_INT;
      }
      if (element == index) {
        return value;
      }
      i += size;
    }
  }

  private static long cborIntAt(ByteBuf b, int index) {
    int i = b.readerIndex();
    int head = b.getUnsignedByte(i);
    if ((head >= 0x80 && head <= 0x97) || head == 0x9f) {
      i += 1;
    } else if (head == 0x98) {
      i += 2;
    } else if (head == 0x99) {
      i += 3;
    } else if (head == 0x9a) {
      i += 5;
    } else {
      return NOT_AN_INT;
    }
    for (int element = 0; ; element++) {
      int t = b.getUnsignedByte(i);
      long value;
      int size;
      if (t <= 0x17) {
        value = t;
        size = 1;
      } else if (t == 0x18) {
        value = b.getUnsignedByte(i + 1);
        size = 2;
      } else if (t == 0x19) {
        value = b.getUnsignedShort(i + 1);
        size = 3;
      } else if (t == 0x1a) {
        value = b.getUnsignedInt(i + 1);
        size = 5;
      } else if (t == 0x1b) {
        value = b.getLong(i + 1);
        size = 9;
      } else {
        return NOT_AN_INT;
      }
      if (element == index) {
        return value;
      }
      i += size;
    }
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

  private static void writeMsgpackUint(ByteBuf out, long value) {
    if (value < 0x80) {
      out.writeByte((int) value);
    } else if (value < 0x100) {
      out.writeByte(0xcc).writeByte((int) value);
    } else if (value < 0x10000) {
      out.writeByte(0xcd).writeShort((int) value);
    } else if (value < 0x100000000L) {
      out.writeByte(0xce).writeInt((int) value);
    } else {
      out.writeByte(0xcf).writeLong(value);
    }
  }

  private static void writeCborUint(ByteBuf out, long value) {
    if (value < 24) {
      out.writeByte((int) value);
    } else if (value < 0x100) {
      out.writeByte(0x18).writeByte((int) value);
    } else if (value < 0x10000) {
      out.writeByte(0x19).writeShort((int) value);
    } else if (value < 0x100000000L) {
      out.writeByte(0x1a).writeInt((int) value);
    } else {
      out.writeByte(0x1b).writeLong(value);
    }
  }
}
