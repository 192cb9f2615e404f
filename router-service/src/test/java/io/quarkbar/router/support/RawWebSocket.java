package io.quarkbar.router.support;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * An HTTP/1.1 WebSocket connection written by hand over a plain socket, for what a WebSocket
 * library will not do: send header shapes of the test's choosing (several subprotocols, a trailing
 * comma, a foreign Origin), see the refusal's status and body, and behave like a broken peer (never
 * read, send a close frame and keep the TCP connection open).
 */
public final class RawWebSocket implements AutoCloseable {

  public static final int TEXT = 0x1;
  public static final int BINARY = 0x2;
  public static final int CLOSE = 0x8;

  private static final SecureRandom RANDOM = new SecureRandom();

  /** One frame from the server. */
  public record Frame(int opcode, boolean fin, byte[] payload) {}

  private final Socket socket;
  private final InputStream in;
  private final OutputStream out;
  private final int status;
  private final Map<String, String> headers;
  private final String body;

  private RawWebSocket(
      Socket socket, InputStream in, int status, Map<String, String> headers, String body)
      throws IOException {
    this.socket = socket;
    this.in = in;
    this.out = socket.getOutputStream();
    this.status = status;
    this.headers = headers;
    this.body = body;
  }

  /**
   * Sends a WebSocket upgrade for {@code uri} with the usual upgrade headers plus {@code extra} (a
   * null value leaves a header out, e.g. {@code Host}), and reads the response head; for a refusal
   * also its body. The socket stays open for frames when the status is 101.
   */
  public static RawWebSocket upgrade(URI uri, Map<String, String> extra) throws IOException {
    return request(uri, upgradeHeaders(uri, extra));
  }

  /** The upgrade headers of a well-behaved client, with {@code extra} applied on top. */
  public static Map<String, String> upgradeHeaders(URI uri, Map<String, String> extra) {
    byte[] nonce = new byte[16];
    RANDOM.nextBytes(nonce);
    Map<String, String> headers = new LinkedHashMap<>();
    headers.put("Host", uri.getHost() + ":" + uri.getPort());
    headers.put("Upgrade", "websocket");
    headers.put("Connection", "Upgrade");
    headers.put("Sec-WebSocket-Key", Base64.getEncoder().encodeToString(nonce));
    headers.put("Sec-WebSocket-Version", "13");
    headers.putAll(extra);
    return headers;
  }

  /** A GET with exactly {@code headers} (null values left out). */
  public static RawWebSocket request(URI uri, Map<String, String> headers) throws IOException {
    Socket socket = new Socket(uri.getHost(), uri.getPort());
    try {
      socket.setSoTimeout((int) WampTestClient.TIMEOUT.toMillis());
      StringBuilder request =
          new StringBuilder("GET ").append(uri.getRawPath()).append(" HTTP/1.1\r\n");
      headers.forEach(
          (name, value) -> {
            if (value != null) {
              request.append(name).append(": ").append(value).append("\r\n");
            }
          });
      request.append("\r\n");
      OutputStream out = socket.getOutputStream();
      out.write(request.toString().getBytes(StandardCharsets.ISO_8859_1));
      out.flush();
      InputStream in = socket.getInputStream();
      String statusLine = readLine(in);
      String[] parts = statusLine.split(" ", 3);
      if (parts.length < 2 || !parts[0].startsWith("HTTP/1.1")) {
        throw new IOException("not an HTTP/1.1 response: " + statusLine);
      }
      int status = Integer.parseInt(parts[1]);
      Map<String, String> responseHeaders = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
      for (String line = readLine(in); !line.isEmpty(); line = readLine(in)) {
        int colon = line.indexOf(':');
        responseHeaders.merge(
            line.substring(0, colon).trim(),
            line.substring(colon + 1).trim(),
            (a, b) -> a + ", " + b);
      }
      String body = "";
      if (status != 101) {
        String length = responseHeaders.get("Content-Length");
        if (length != null) {
          byte[] bytes = new DataInputStream(in).readNBytes(Integer.parseInt(length));
          body = new String(bytes, StandardCharsets.UTF_8);
        }
      }
      return new RawWebSocket(socket, in, status, responseHeaders, body);
    } catch (IOException | RuntimeException e) {
      socket.close();
      throw e;
    }
  }

  public int status() {
    return status;
  }

  /** A response header, case-insensitively; null when absent. */
  public String header(String name) {
    return headers.get(name);
  }

  public String body() {
    return body;
  }

  /** Sends one masked frame, as a client must. */
  public void sendFrame(int opcode, boolean fin, byte[] payload) throws IOException {
    ByteArrayOutputStream frame = new ByteArrayOutputStream(payload.length + 14);
    frame.write((fin ? 0x80 : 0) | opcode);
    if (payload.length < 126) {
      frame.write(0x80 | payload.length);
    } else if (payload.length < 65536) {
      frame.write(0x80 | 126);
      frame.write(payload.length >>> 8);
      frame.write(payload.length);
    } else {
      frame.write(0x80 | 127);
      for (int shift = 56; shift >= 0; shift -= 8) {
        frame.write((int) ((long) payload.length >>> shift));
      }
    }
    byte[] mask = new byte[4];
    RANDOM.nextBytes(mask);
    frame.write(mask);
    for (int i = 0; i < payload.length; i++) {
      frame.write(payload[i] ^ mask[i & 3]);
    }
    out.write(frame.toByteArray());
    out.flush();
  }

  /** Sends a close frame with status 1000, and nothing else: the socket is left open. */
  public void sendClose() throws IOException {
    sendFrame(CLOSE, true, new byte[] {0x03, (byte) 0xE8});
  }

  /** The next frame; null when the server closed the TCP connection. */
  public Frame readFrame() throws IOException {
    int b0 = in.read();
    if (b0 < 0) {
      return null;
    }
    DataInputStream data = new DataInputStream(in);
    int b1 = data.readUnsignedByte();
    long length = b1 & 0x7F;
    if (length == 126) {
      length = data.readUnsignedShort();
    } else if (length == 127) {
      length = data.readLong();
    }
    if ((b1 & 0x80) != 0) {
      throw new IOException("the server masked a frame");
    }
    byte[] payload = data.readNBytes((int) length);
    if (payload.length < length) {
      throw new EOFException("connection closed inside a frame");
    }
    return new Frame(b0 & 0x0F, (b0 & 0x80) != 0, payload);
  }

  /**
   * Reads and discards frames until the server closes the TCP connection (true) or {@code
   * timeoutMillis} pass (false).
   */
  public boolean drainUntilEof(long timeoutMillis) throws IOException {
    long deadline = System.nanoTime() + timeoutMillis * 1_000_000;
    byte[] buffer = new byte[64 * 1024];
    while (System.nanoTime() < deadline) {
      try {
        if (in.read(buffer) < 0) {
          return true;
        }
      } catch (SocketTimeoutException e) {
        // Keep waiting until the deadline.
      } catch (IOException e) {
        // A reset is the router dropping the connection too.
        return true;
      }
    }
    return false;
  }

  public Socket socket() {
    return socket;
  }

  @Override
  public void close() throws IOException {
    socket.close();
  }

  private static String readLine(InputStream in) throws IOException {
    ByteArrayOutputStream line = new ByteArrayOutputStream();
    for (int b = in.read(); b != '\n'; b = in.read()) {
      if (b < 0) {
        throw new EOFException("connection closed inside the HTTP response head");
      }
      if (b != '\r') {
        line.write(b);
      }
    }
    return line.toString(StandardCharsets.ISO_8859_1);
  }
}
