package io.quarkbar.wamp.protocol.serialization;

import java.io.OutputStream;
import java.util.Arrays;

/**
 * A writer's output: ByteArrayOutputStream without its locks (every write to it takes one), emptied
 * after each message and shrunk after a large one.
 */
final class OutputBuffer extends OutputStream {

  private static final int INITIAL = 256;

  private byte[] buf = new byte[INITIAL];
  private int count;

  @Override
  public void write(int b) {
    ensureRoom(1);
    buf[count++] = (byte) b;
  }

  @Override
  public void write(byte[] b, int off, int len) {
    ensureRoom(len);
    System.arraycopy(b, off, buf, count, len);
    count += len;
  }

  byte[] toByteArray() {
    return Arrays.copyOf(buf, count);
  }

  void clear() {
    count = 0;
    if (buf.length > Serializer.KEPT_BYTES) {
      buf = new byte[INITIAL];
    }
  }

  private void ensureRoom(int n) {
    if (buf.length - count < n) {
      buf = Arrays.copyOf(buf, Math.max(buf.length * 2, count + n));
    }
  }
}
