package io.quarkbar.interop;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;

/**
 * A callee that hangs: a WAMP session over a WebSocket written by hand on a plain socket, which
 * registers a procedure and then stops reading, so it answers neither INVOCATION nor the router's
 * WebSocket pings, and never closes its TCP connection (no FIN, no close frame): what a frozen
 * process or a peer behind a dead network path looks like to the router. Its receive buffer is
 * tiny, so the router cannot hand much to the kernel for it either.
 */
final class FrozenCallee implements AutoCloseable {

  private static final SecureRandom RANDOM = new SecureRandom();

  private final Socket socket;
  private final DataInputStream in;
  private final OutputStream out;
  private long sessionId;
  private long registrationId;

  private FrozenCallee(Socket socket) throws IOException {
    this.socket = socket;
    this.in = new DataInputStream(socket.getInputStream());
    this.out = socket.getOutputStream();
  }

  /**
   * Joins {@code realm} at {@code 127.0.0.1:port/ws} in {@code wamp.2.json}, registers {@code
   * procedure}, and from then on reads nothing until {@link #drain}.
   */
  static FrozenCallee register(int port, String realm, String procedure) throws IOException {
    Socket socket = new Socket();
    socket.setReceiveBufferSize(2048);
    socket.connect(new InetSocketAddress("127.0.0.1", port), 5_000);
    socket.setSoTimeout(5_000);
    FrozenCallee callee = new FrozenCallee(socket);
    try {
      callee.handshake(port);
      callee.sendText(
          MiniJson.write(
              List.of(1L, realm, Map.of("roles", Map.of("callee", Map.of("features", Map.of()))))));
      List<Object> welcome = MiniJson.parseList(callee.readText());
      if (!welcome.getFirst().equals(JdkWampSession.WELCOME)) {
        throw new IOException("answer to HELLO: " + welcome);
      }
      callee.sessionId = ((Number) welcome.get(1)).longValue();
      callee.sendText(MiniJson.write(List.of(JdkWampSession.REGISTER, 1L, Map.of(), procedure)));
      List<Object> registered = MiniJson.parseList(callee.readText());
      if (!registered.getFirst().equals(JdkWampSession.REGISTERED)) {
        throw new IOException("answer to REGISTER: " + registered);
      }
      callee.registrationId = ((Number) registered.get(2)).longValue();
    } catch (IOException | RuntimeException e) {
      callee.close();
      throw e;
    }
    return callee;
  }

  long sessionId() {
    return sessionId;
  }

  long registrationId() {
    return registrationId;
  }

  /**
   * Reads, after the fact, what the router sent while this callee was frozen, one line per frame
   * ({@code text <message>}, {@code ping}, {@code close <code>}, ...), and how the stream ended
   * ({@code end of stream}, {@code reset: ...}), or {@code still open} after {@code timeout}.
   */
  List<String> drain(Duration timeout) throws IOException {
    List<String> frames = new ArrayList<>();
    socket.setSoTimeout((int) timeout.toMillis());
    try {
      while (true) {
        Frame f = readFrame();
        frames.add(
            switch (f.opcode) {
              case 1 -> "text " + new String(f.payload, StandardCharsets.UTF_8);
              case 8 ->
                  "close "
                      + (f.payload.length >= 2
                          ? ((f.payload[0] & 0xff) << 8 | (f.payload[1] & 0xff))
                          : "(no code)");
              case 9 -> "ping";
              case 10 -> "pong";
              default -> "opcode " + f.opcode;
            });
      }
    } catch (EOFException e) {
      frames.add("end of stream");
    } catch (SocketTimeoutException e) {
      frames.add("still open");
    } catch (IOException e) {
      frames.add("reset: " + e.getMessage());
    }
    return frames;
  }

  @Override
  public void close() {
    try {
      socket.close();
    } catch (IOException ignored) {
      // closing a socket the router may have reset
    }
  }

  private void handshake(int port) throws IOException {
    byte[] nonce = new byte[16];
    RANDOM.nextBytes(nonce);
    String request =
        "GET /ws HTTP/1.1\r\n"
            + "Host: 127.0.0.1:"
            + port
            + "\r\n"
            + "Upgrade: websocket\r\n"
            + "Connection: Upgrade\r\n"
            + "Sec-WebSocket-Key: "
            + Base64.getEncoder().encodeToString(nonce)
            + "\r\n"
            + "Sec-WebSocket-Version: 13\r\n"
            + "Sec-WebSocket-Protocol: wamp.2.json\r\n"
            + "\r\n";
    out.write(request.getBytes(StandardCharsets.US_ASCII));
    out.flush();
    // The response head, byte by byte: nothing after it may be read ahead.
    ByteArrayOutputStream head = new ByteArrayOutputStream();
    while (!head.toString(StandardCharsets.ISO_8859_1).endsWith("\r\n\r\n")) {
      head.write(in.readUnsignedByte());
    }
    String status = head.toString(StandardCharsets.ISO_8859_1).lines().findFirst().orElse("");
    if (!status.contains(" 101 ")) {
      throw new IOException("WebSocket upgrade refused: " + status);
    }
  }

  /** A masked text frame, as a client must send. */
  private void sendText(String text) throws IOException {
    byte[] payload = text.getBytes(StandardCharsets.UTF_8);
    ByteArrayOutputStream frame = new ByteArrayOutputStream();
    frame.write(0x81);
    if (payload.length < 126) {
      frame.write(0x80 | payload.length);
    } else {
      frame.write(0x80 | 126);
      frame.write(payload.length >>> 8);
      frame.write(payload.length & 0xff);
    }
    byte[] mask = new byte[4];
    RANDOM.nextBytes(mask);
    frame.write(mask);
    for (int i = 0; i < payload.length; i++) {
      frame.write(payload[i] ^ mask[i % 4]);
    }
    out.write(frame.toByteArray());
    out.flush();
  }

  /** The next text message; pings before it are read (and not answered). */
  private String readText() throws IOException {
    while (true) {
      Frame f = readFrame();
      if (f.opcode == 1) {
        return new String(f.payload, StandardCharsets.UTF_8);
      }
      if (f.opcode == 8) {
        throw new IOException("the router closed the WebSocket");
      }
    }
  }

  private record Frame(int opcode, byte[] payload) {}

  /** One unmasked frame from the router; WAMP messages here are small and never fragmented. */
  private Frame readFrame() throws IOException {
    int b0 = in.readUnsignedByte();
    int b1 = in.readUnsignedByte();
    long length = b1 & 0x7f;
    if (length == 126) {
      length = in.readUnsignedShort();
    } else if (length == 127) {
      length = in.readLong();
    }
    if (length > 1 << 20) {
      throw new IOException("frame of " + length + " bytes");
    }
    byte[] payload = new byte[(int) length];
    in.readFully(payload);
    return new Frame(b0 & 0x0f, payload);
  }
}
