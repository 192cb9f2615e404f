package io.quarkbar.wamp.cluster;

import static java.nio.charset.StandardCharsets.US_ASCII;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.EOFException;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedSelectorException;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BiConsumer;
import java.util.function.BooleanSupplier;
import java.util.function.LongSupplier;
import org.jboss.logging.Logger;

/**
 * Where a node takes the connections other nodes send their calls and answers on ({@link
 * DirectCallWire}). It speaks the part of a NATS server's protocol that {@link NatsWire} uses to
 * publish: INFO, CONNECT with a token (the node's secret, which the others learn from its
 * heartbeat), PING and PONG, PUB; SUB and UNSUB are taken and ignored (nothing is ever sent back
 * but PONG and -ERR). A connection whose CONNECT does not carry the secret, that publishes before
 * it, or that sends anything else is closed after an -ERR.
 *
 * <p>Threads: one thread accepts connections, sends each its INFO and hands its reading to an event
 * loop ({@link LoopWatch}); where there is none, that thread reads them too. What arrives is handed
 * to the receiver on the thread that read it. That thread also closes the connections that did not
 * show the secret within {@code handshake} (at most {@value #MAX_STRANGERS} may wait at once, each
 * with a small buffer) and those silent for {@code silence} (the sending side pings each second): a
 * peer whose machine vanished leaves no socket behind.
 */
final class CallListener implements AutoCloseable {

  private static final Logger LOG = Logger.getLogger(CallListener.class);
  private static final JsonFactory JSON = new JsonFactory();
  private static final int MAX_CONTROL_LINE = 4 << 10;
  private static final byte[] PONG = "PONG\r\n".getBytes(US_ASCII);

  /** Connections that have not shown the secret yet, at most. */
  static final int MAX_STRANGERS = 64;

  private final String node;
  private final String host;
  private final String secret;
  private final byte[] secretBytes;
  private final LoopWatch loops;
  private final LongSupplier maxPayload;
  private final long handshakeNanos;
  private final long silenceNanos;
  private final ServerSocketChannel server;
  private final Selector selector;
  private final Thread thread;
  private final Set<Connection> open = ConcurrentHashMap.newKeySet();
  private volatile BiConsumer<String, byte[]> receiver = (subject, data) -> {};
  private volatile BooleanSupplier accepting = () -> true;
  private volatile boolean closed;

  /**
   * Binds the port at once, so that a port that is taken fails the node's start.
   *
   * @param bindHost the address to listen on ({@code 0.0.0.0}: every interface)
   * @param port the port; 0 for any free one
   * @param advertisedHost the host the other nodes connect to
   * @param maxPayload the largest message taken, as NATS's {@code max_payload}
   * @param handshake how long a connection may take to show the secret
   * @param silence how long a connection may send nothing (not even its PING) before it is closed
   */
  CallListener(
      String node,
      String bindHost,
      int port,
      String advertisedHost,
      LoopWatch loops,
      LongSupplier maxPayload,
      java.time.Duration handshake,
      java.time.Duration silence)
      throws IOException {
    this.node = node;
    this.handshakeNanos = handshake.toNanos();
    this.silenceNanos = silence.toNanos();
    this.host = advertisedHost;
    byte[] random = new byte[16];
    new SecureRandom().nextBytes(random);
    this.secret = HexFormat.of().formatHex(random);
    this.secretBytes = secret.getBytes(US_ASCII);
    this.loops = loops;
    this.maxPayload = maxPayload;
    this.selector = Selector.open();
    this.server = ServerSocketChannel.open();
    try {
      server.bind(new InetSocketAddress(bindHost, port));
      server.configureBlocking(false);
      server.register(selector, SelectionKey.OP_ACCEPT);
    } catch (IOException e) {
      server.close();
      selector.close();
      throw new IOException(
          "cannot listen for calls from other router nodes on " + bindHost + ":" + port + ": " + e,
          e);
    }
    this.thread = new Thread(this::run, "quarkbar-cluster-calls-in-" + node);
    thread.setDaemon(true);
  }

  /**
   * Where messages go ({@code receiver}, on the thread that read them), and whether connections are
   * taken now: while {@code accepting} is false (the node is cut off from NATS), connections are
   * closed as they come or send, so that the others' calls end as they did through NATS.
   */
  void deliverTo(BiConsumer<String, byte[]> receiver, BooleanSupplier accepting) {
    this.receiver = receiver;
    this.accepting = accepting;
  }

  /** Where the other nodes reach this one, with the secret they must show. */
  DirectCallWire.Address address() {
    return new DirectCallWire.Address(
        host, ((InetSocketAddress) server.socket().getLocalSocketAddress()).getPort(), secret);
  }

  void start() {
    thread.start();
  }

  private void run() {
    long lastSweep = System.nanoTime();
    long lastWarning = 0;
    while (!closed) {
      try {
        selector.select(1000);
        for (SelectionKey key : selector.selectedKeys()) {
          if (key.isValid() && key.isAcceptable()) {
            accept();
          } else if (key.attachment() instanceof Connection c) {
            c.ready(key);
          }
        }
      } catch (ClosedSelectorException e) {
        return;
      } catch (IOException | RuntimeException e) {
        // Out of file descriptors, say: warned at most every 10 s, and not tried again at once.
        if (!closed && System.nanoTime() - lastWarning > 10_000_000_000L) {
          lastWarning = System.nanoTime();
          LOG.warnf("node %s: taking calls from other nodes: %s", node, e.toString());
        }
        pause();
      } finally {
        if (selector.isOpen()) {
          selector.selectedKeys().clear();
        }
      }
      long now = System.nanoTime();
      if (now - lastSweep > 1_000_000_000L) {
        lastSweep = now;
        sweep(now);
      }
    }
  }

  private static void pause() {
    try {
      Thread.sleep(100);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** Closes the connections that did not show the secret in time, and the silent ones. */
  private void sweep(long now) {
    for (Connection c : open) {
      if (!c.authorized && now - c.since > handshakeNanos) {
        LOG.debugf("node %s: a connection did not show the secret in time", node);
        c.close();
      } else if (now - c.lastRead > silenceNanos) {
        LOG.infof(
            "node %s: a connection from another node was silent for %d ms: closed",
            node, (now - c.lastRead) / 1_000_000);
        c.close();
      }
    }
  }

  private void accept() throws IOException {
    SocketChannel ch;
    while ((ch = server.accept()) != null) {
      if (!accepting.getAsBoolean() || strangers() >= MAX_STRANGERS) {
        ch.close();
        continue;
      }
      Connection c = new Connection(ch);
      try {
        ch.configureBlocking(false);
        ch.setOption(StandardSocketOptions.TCP_NODELAY, true);
        open.add(c);
        if (!c.send(info())) {
          continue;
        }
        if (!watchOnLoop(c)) {
          ch.register(selector, SelectionKey.OP_READ, c);
        }
      } catch (IOException | RuntimeException e) {
        LOG.debugf("node %s: a connection from another node failed: %s", node, e.toString());
        c.close();
      }
    }
  }

  /**
   * An event loop reads the connection if one takes it; false where there is none. A loop that did
   * not answer in time may still take it later: the connection is closed rather than read on two
   * threads (its node connects again).
   */
  private boolean watchOnLoop(Connection c) throws IOException {
    try {
      return loops.watch(c.ch, c);
    } catch (IOException e) {
      c.close();
      throw e;
    }
  }

  private int strangers() {
    int n = 0;
    for (Connection c : open) {
      if (!c.authorized) {
        n++;
      }
    }
    return n;
  }

  private byte[] info() {
    long max = maxPayload.getAsLong();
    return ("INFO {\"server_id\":\"quarkbar-"
            + node
            + "\",\"proto\":1,\"headers\":true,\"auth_required\":true,\"max_payload\":"
            + (max > 0 ? max : 1 << 20)
            + "}\r\n")
        .getBytes(US_ASCII);
  }

  @Override
  public void close() {
    closed = true;
    try {
      server.close();
    } catch (IOException e) {
      LOG.debugf("node %s: close: %s", node, e);
    }
    for (Connection c : open) {
      c.close();
    }
    selector.wakeup();
    try {
      thread.join(2000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    try {
      selector.close();
    } catch (IOException e) {
      LOG.debugf("node %s: close: %s", node, e);
    }
  }

  /** One other node's connection: what it has sent that is not handled yet. */
  private final class Connection implements LoopWatch.Ready {

    private final SocketChannel ch;
    private final long since = System.nanoTime();
    private volatile long lastRead = since;

    /** Small until the secret was shown: a stranger costs little. */
    private ByteBuffer in = ByteBuffer.allocate(MAX_CONTROL_LINE + 2);

    private volatile boolean authorized;

    /** The subject of a PUB whose payload is still to be read, and its size; null between. */
    private String subject;

    private int size;

    Connection(SocketChannel ch) {
      this.ch = ch;
    }

    @Override
    public void ready(SelectionKey key) {
      try {
        if (key.isValid() && key.isReadable()) {
          read();
        }
      } catch (IOException | RuntimeException e) {
        LOG.debugf("node %s: a connection from another node ends: %s", node, e.toString());
        close();
      }
    }

    @Override
    public void unwatched() {
      close();
    }

    void close() {
      open.remove(this);
      try {
        ch.close();
      } catch (IOException e) {
        LOG.debugf("node %s: close: %s", node, e);
      }
    }

    private void read() throws IOException {
      if (!accepting.getAsBoolean()) {
        throw new IOException("this node is cut off from NATS");
      }
      if (!in.hasRemaining()) {
        grow(in.capacity() * 2);
      }
      if (ch.read(in) < 0) {
        throw new EOFException("the other node closed the connection");
      }
      lastRead = System.nanoTime();
      in.flip();
      try {
        parse();
      } finally {
        in.compact();
      }
    }

    private void grow(int capacity) throws IOException {
      long max = Math.max(maxPayload.getAsLong(), 1 << 20);
      if (capacity > 2 * (max + MAX_CONTROL_LINE)) {
        throw new IOException("a message larger than max_payload");
      }
      in = ControlLines.grown(in, capacity);
    }

    private void parse() throws IOException {
      while (ch.isOpen()) {
        if (subject != null) {
          int need = size + 2;
          if (in.remaining() < need) {
            if (need > in.capacity()) {
              in.compact();
              grow(Math.max(need, in.capacity() * 2));
              in.flip();
            }
            return;
          }
          byte[] data = new byte[size];
          in.get(data);
          if (in.get() != '\r' || in.get() != '\n') {
            refuse("Parser Error");
          }
          String s = subject;
          subject = null;
          receiver.accept(s, data);
          continue;
        }
        String line = ControlLines.next(in);
        if (line == null) {
          if (in.remaining() > MAX_CONTROL_LINE) {
            refuse("Maximum Control Line Exceeded");
          }
          return;
        }
        operation(line);
      }
    }

    private void operation(String line) throws IOException {
      List<String> t = NatsWire.tokens(line);
      String op = t.isEmpty() ? "" : t.get(0).toUpperCase(Locale.ROOT);
      switch (op) {
        case "PUB" -> {
          // PUB <subject> [reply-to] <#bytes>
          if (!authorized) {
            refuse("Authorization Violation");
          } else if (t.size() < 3 || t.size() > 4) {
            refuse("Unknown Protocol Operation");
          } else {
            int n = Integer.parseInt(t.getLast());
            if (n < 0 || n > Math.max(maxPayload.getAsLong(), 1 << 20)) {
              refuse("Maximum Payload Violation");
            }
            subject = t.get(1);
            size = n;
          }
        }
        case "CONNECT" -> {
          if (MessageDigest.isEqual(secretBytes, token(line.substring(7).trim()))) {
            authorized = true;
            if (in.capacity() < 64 << 10) {
              in.compact();
              grow(64 << 10);
              in.flip();
            }
          } else {
            LOG.warnf(
                "node %s: refused a connection for calls from %s: it did not show this node's"
                    + " secret",
                node, ch.getRemoteAddress());
            refuse("Authorization Violation");
          }
        }
        case "PING" -> send(PONG);
        case "PONG", "SUB", "UNSUB" -> {}
        default -> refuse("Unknown Protocol Operation");
      }
    }

    /** The {@code auth_token} of a CONNECT's JSON, or nothing. */
    private byte[] token(String json) throws IOException {
      try (JsonParser p = JSON.createParser(json)) {
        if (p.nextToken() != JsonToken.START_OBJECT) {
          return new byte[0];
        }
        while (p.nextToken() == JsonToken.FIELD_NAME) {
          String field = p.currentName();
          JsonToken value = p.nextToken();
          if (field.equals("auth_token") && value == JsonToken.VALUE_STRING) {
            return p.getText().getBytes(US_ASCII);
          }
          p.skipChildren();
        }
      }
      return new byte[0];
    }

    private void refuse(String why) throws IOException {
      send(("-ERR '" + why + "'\r\n").getBytes(US_ASCII));
      throw new IOException(why);
    }

    /**
     * Writes a short control line; a peer whose socket does not take a few bytes is not reading and
     * is dropped.
     */
    synchronized boolean send(byte[] bytes) {
      try {
        ByteBuffer b = ByteBuffer.wrap(bytes);
        ch.write(b);
        if (b.hasRemaining()) {
          throw new IOException("the other node does not read");
        }
        return true;
      } catch (IOException e) {
        LOG.debugf("node %s: a connection from another node ends: %s", node, e.toString());
        close();
        return false;
      }
    }
  }
}
