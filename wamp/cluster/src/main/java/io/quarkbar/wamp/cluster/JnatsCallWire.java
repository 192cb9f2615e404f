package io.quarkbar.wamp.cluster;

import io.nats.client.Connection;
import io.nats.client.Message;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Calls between nodes on the NATS client library's connection, which the node has anyway: for the
 * URLs {@link NatsWire} does not speak ({@code tls://}). Each subscription gets a dispatcher thread
 * of its own, and each publication goes through the library's writer thread.
 */
final class JnatsCallWire implements CallWire {

  private final List<String> subjects = new ArrayList<>();
  private final List<Receiver> receivers = new ArrayList<>();
  private volatile Connection connection;

  @Override
  public void subscribe(String subject, Receiver receiver) {
    subjects.add(subject);
    receivers.add(receiver);
  }

  /** The node's connection is made: receive (once per connection). */
  void connected(Connection c) {
    for (int i = 0; i < subjects.size(); i++) {
      Receiver r = receivers.get(i);
      c.createDispatcher(
              (Message m) ->
                  r.received(
                      m.getSubject(),
                      m.isStatusMessage() ? m.getStatus().getCode() : 0,
                      m.getData() == null ? new byte[0] : m.getData()))
          .subscribe(subjects.get(i));
    }
    connection = c;
  }

  @Override
  public void publish(String subject, String replyTo, byte[] body) {
    Connection c = connection;
    if (c == null || c.getStatus() != Connection.Status.CONNECTED) {
      throw new IllegalStateException("this node's NATS connection is " + state());
    }
    c.publish(subject, replyTo, body);
  }

  @Override
  public boolean isConnected() {
    Connection c = connection;
    return c != null && c.getStatus() == Connection.Status.CONNECTED;
  }

  @Override
  public String state() {
    Connection c = connection;
    return c == null ? "not made yet" : c.getStatus().name().toLowerCase(Locale.ROOT);
  }

  @Override
  public long maxPayload() {
    Connection c = connection;
    return c == null ? 0 : c.getMaxPayload();
  }

  @Override
  public void close() {
    // The node closes the connection.
  }
}
