package io.quarkbar.wamp.router.fuzz;

import io.quarkbar.wamp.protocol.message.WampMessage;
import io.quarkbar.wamp.protocol.message.Welcome;
import io.quarkbar.wamp.protocol.serialization.Serializer;
import io.quarkbar.wamp.router.Router;
import io.quarkbar.wamp.router.transport.LocalTransport;
import java.time.Duration;

/** One client connection of the fuzz test, on the in-memory transport. */
final class Peer {

  final String name;
  final Serializer serializer;
  final LocalTransport transport;
  private long requests;

  /** Its session ID once it has seen WELCOME, else 0. */
  long sessionId;

  Peer(String name, Router router, Serializer serializer, String address) {
    this.name = name;
    this.serializer = serializer;
    this.transport = LocalTransport.connect(router, serializer, address);
  }

  long nextRequest() {
    return ++requests;
  }

  void send(WampMessage message) {
    transport.sendToRouter(message);
  }

  /** What the router has sent this peer, if anything is waiting; delivery is synchronous. */
  WampMessage poll() {
    WampMessage m = transport.poll(Duration.ZERO);
    if (m instanceof Welcome w) {
      sessionId = w.session();
    }
    return m;
  }

  boolean isClosed() {
    return transport.isClosed();
  }

  @Override
  public String toString() {
    return name + "/" + serializer;
  }
}
