package io.quarkbar.interop;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Map;
import java.util.TreeMap;

/**
 * A WebSocket opening handshake written byte for byte, for header shapes that {@link
 * java.net.http.WebSocket} cannot produce: it joins subprotocols with ", ", rejects a trailing
 * comma and forbids setting Sec-WebSocket-Protocol directly.
 */
final class RawHandshake {

  private static final String WEBSOCKET_GUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";

  record Response(int status, Map<String, String> headers, String expectedAccept) {

    String header(String name) {
      return headers.get(name);
    }
  }

  private RawHandshake() {}

  /** Sends an upgrade to {@code /ws} with the given Sec-WebSocket-Protocol value and no Origin. */
  static Response upgrade(int port, String secWebSocketProtocol) throws IOException {
    byte[] nonce = new byte[16];
    new SecureRandom().nextBytes(nonce);
    String key = Base64.getEncoder().encodeToString(nonce);
    String request =
        "GET /ws HTTP/1.1\r\n"
            + "Host: 127.0.0.1:"
            + port
            + "\r\n"
            + "Upgrade: websocket\r\n"
            + "Connection: Upgrade\r\n"
            + "Sec-WebSocket-Key: "
            + key
            + "\r\n"
            + "Sec-WebSocket-Version: 13\r\n"
            + "Sec-WebSocket-Protocol: "
            + secWebSocketProtocol
            + "\r\n"
            + "\r\n";
    try (Socket socket = new Socket("127.0.0.1", port)) {
      socket.setSoTimeout(5_000);
      OutputStream out = socket.getOutputStream();
      out.write(request.getBytes(StandardCharsets.US_ASCII));
      out.flush();
      InputStream in = socket.getInputStream();
      String statusLine = readLine(in);
      String[] parts = statusLine.split(" ", 3);
      if (parts.length < 2 || !parts[0].startsWith("HTTP/")) {
        throw new IOException("not an HTTP response: " + statusLine);
      }
      Map<String, String> headers = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
      for (String line = readLine(in); !line.isEmpty(); line = readLine(in)) {
        int colon = line.indexOf(':');
        if (colon > 0) {
          headers.merge(
              line.substring(0, colon).trim(),
              line.substring(colon + 1).trim(),
              (first, second) -> first + ", " + second);
        }
      }
      int status = Integer.parseInt(parts[1]);
      if (status == 101) {
        // Leave politely: a masked close frame with status 1000.
        byte[] mask = {1, 2, 3, 4};
        out.write(
            new byte[] {
              (byte) 0x88,
              (byte) 0x82,
              mask[0],
              mask[1],
              mask[2],
              mask[3],
              (byte) (0x03 ^ mask[0]),
              (byte) (0xE8 ^ mask[1])
            });
        out.flush();
      }
      return new Response(status, headers, accept(key));
    }
  }

  private static String accept(String key) {
    try {
      byte[] digest =
          MessageDigest.getInstance("SHA-1")
              .digest((key + WEBSOCKET_GUID).getBytes(StandardCharsets.US_ASCII));
      return Base64.getEncoder().encodeToString(digest);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  private static String readLine(InputStream in) throws IOException {
    ByteArrayOutputStream line = new ByteArrayOutputStream();
    for (int b = in.read(); b != '\n'; b = in.read()) {
      if (b == -1) {
        throw new IOException("connection closed in the middle of the handshake response");
      }
      if (b != '\r') {
        line.write(b);
      }
    }
    return line.toString(StandardCharsets.ISO_8859_1);
  }
}
