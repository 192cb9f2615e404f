package io.quarkbar.router.rawsocket;

import io.quarkus.test.junit.QuarkusTestProfile;
import java.util.Map;

/**
 * RawSocket on a free port (tests ask {@link RawSocketServer#port()} for it), with a 4 KiB message
 * limit (announced as such in the handshake) and a 64 KiB outbound bound per client; WebSocket
 * keeps its defaults.
 */
public class RawSocketProfile implements QuarkusTestProfile {

  static final int MAX_MESSAGE = 4096;

  @Override
  public Map<String, String> getConfigOverrides() {
    return Map.of(
        "router.rawsocket.port", "0",
        "router.rawsocket.max-message-size", String.valueOf(MAX_MESSAGE),
        "router.rawsocket.max-outbound-queue", "65536");
  }
}
