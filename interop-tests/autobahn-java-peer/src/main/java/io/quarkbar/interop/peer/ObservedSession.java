package io.quarkbar.interop.peer;

import io.crossbar.autobahn.wamp.Session;
import io.crossbar.autobahn.wamp.interfaces.ISerializer;
import io.crossbar.autobahn.wamp.interfaces.ITransport;
import io.crossbar.autobahn.wamp.interfaces.ITransportHandler;
import io.crossbar.autobahn.wamp.types.CloseDetails;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Sits between the WebSocket transport and an Autobahn|Java {@link Session} and keeps a copy of
 * every message the router sends.
 *
 * <p>Autobahn|Java logs and drops what it does not expect (an EVENT for a subscription it no longer
 * holds), and it reports the same close for a GOODBYE handshake as for a router that just closes
 * the socket, so the scenario judges those from the raw messages instead.
 */
final class ObservedSession implements ITransportHandler {

  static final int ABORT = 3;
  static final int GOODBYE = 6;
  static final int EVENT = 36;

  final Session session;
  final CompletableFuture<Boolean> disconnected = new CompletableFuture<>();
  private final List<List<Object>> received = new CopyOnWriteArrayList<>();
  private volatile ISerializer serializer;

  ObservedSession(Session session) {
    this.session = session;
    session.addOnDisconnectListener((s, wasClean) -> disconnected.complete(wasClean));
  }

  /** The serializer the transport picked from the router's Sec-WebSocket-Protocol answer. */
  ISerializer serializer() {
    return serializer;
  }

  int mark() {
    return received.size();
  }

  List<List<Object>> receivedAfter(int mark, int type) {
    List<List<Object>> all = List.copyOf(received);
    return all.subList(Math.min(mark, all.size()), all.size()).stream()
        .filter(m -> !m.isEmpty() && m.get(0) instanceof Number n && n.intValue() == type)
        .toList();
  }

  boolean receivedAny(int type) {
    return !receivedAfter(0, type).isEmpty();
  }

  @Override
  public void onConnect(ITransport transport, ISerializer serializer) throws Exception {
    this.serializer = serializer;
    session.onConnect(transport, serializer);
  }

  @Override
  public void onMessage(byte[] payload, boolean isBinary) throws Exception {
    try {
      List<Object> message = serializer.unserialize(payload, isBinary);
      received.add(message);
      if (message.get(0) instanceof Number type && type.intValue() == ABORT) {
        // Autobahn|Java only logs it at debug level; the failing checks would not say why.
        System.out.println("router sent ABORT: " + message);
      }
    } catch (RuntimeException e) {
      // Undecodable input is the session's to reject; keep a marker so the output shows it.
      received.add(List.of("undecodable: " + e));
    }
    session.onMessage(payload, isBinary);
  }

  @Override
  public void onLeave(CloseDetails details) {
    session.onLeave(details);
  }

  @Override
  public void onDisconnect(boolean wasClean) {
    session.onDisconnect(wasClean);
  }

  @Override
  public boolean isConnected() {
    return session.isConnected();
  }
}
