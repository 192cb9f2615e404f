package io.quarkbar.wamp.cluster;

import static java.nio.charset.StandardCharsets.US_ASCII;
import static java.nio.charset.StandardCharsets.UTF_8;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import org.jboss.logging.Logger;

/**
 * A core NATS connection for the calls between nodes, written here beside the NATS client library
 * (jnats) for a measured reason: jnats hands every published message to a writer thread and every
 * received one to a dispatcher thread. A call across nodes took four such hand-offs besides the two
 * to the event loops, and cost six times the CPU of a call on one node (bench/README.md, "Events
 * and calls across a cluster"). Here what an event loop publishes during one turn is written to the
 * socket in one write at the end of the turn ({@link AfterTurn}), and what arrives is handled on
 * the thread that read it: in a router, one of its event loops ({@link LoopWatch}).
 *
 * <p>It speaks the client side of NATS's core protocol only: INFO, CONNECT (with a user and
 * password or a token), SUB, PUB, MSG and HMSG (for the no-responders status), PING, PONG, +OK and
 * -ERR. No TLS ({@link JnatsCallWire} serves {@code tls://} URLs), no JetStream, no discovery of
 * other servers. Nothing is kept for replay while disconnected: at most once, like the rest of the
 * cluster; it reconnects for ever, to the listed servers in turn.
 *
 * <p>Threads: the wire's own thread connects and makes the handshake, then hands the reading
 * (parsing, delivering) over to an event loop if it was given one, or goes on reading itself; it
 * pings, finishes the writes the socket did not take at once, and connects again when the
 * connection breaks. Any thread publishes, under a lock. What the socket cannot take at once waits,
 * up to {@link #MAX_PENDING} bytes; past it, publications are refused rather than queued without
 * end.
 */
final class NatsWire implements CallWire {

  private static final Logger LOG = Logger.getLogger(NatsWire.class);

  /** Bytes that may wait for the socket; past it, {@link #publish} refuses. */
  static final long MAX_PENDING = 32L << 20;

  /** The longest control line (an INFO with many URLs is the longest) taken from the server. */
  private static final int MAX_CONTROL_LINE = 64 << 10;

  private static final JsonFactory JSON = new JsonFactory();
  private static final byte[] CRLF = {'\r', '\n'};
  private static final byte[] PING = "PING\r\n".getBytes(US_ASCII);
  private static final byte[] PONG = "PONG\r\n".getBytes(US_ASCII);

  private final List<URI> servers;
  private final String name;
  private final Optional<String> user;
  private final Optional<String> password;
  private final Optional<String> token;
  private final Duration connectTimeout;
  private final Duration staleAfter;
  private final List<String> subjects = new ArrayList<>();
  private final List<Receiver> receivers = new ArrayList<>();
  private final Thread reader;

  private final Object lock = new Object();

  /** Held while a receiver runs: see {@link #deliver}. */
  private final Object deliveries = new Object();

  /** Guarded by lock: what the connection in use has read. */
  private Reading reading;

  // Guarded by lock: the connection being made or made, and what waits to be written to it.
  private SocketChannel channel;
  private SelectionKey key;
  private ByteBuffer out = ByteBuffer.allocate(INITIAL_OUT);

  /**
   * What the socket did not take when it was written, in order, for the reader thread to write once
   * the socket takes more; {@link #out} has what was added since.
   */
  private final java.util.ArrayDeque<ByteBuffer> backlog = new java.util.ArrayDeque<>();

  private long backlogBytes;

  private static final int INITIAL_OUT = 64 << 10;

  private final AfterTurn afterTurn;
  private final LoopWatch loops;

  /**
   * Guarded by lock: what the reader thread's key watches besides writes: reads, until an event
   * loop reads the connection ({@link #handOver}); then nothing (the reader thread still writes
   * what the socket did not take at once).
   */
  private int readInterest = SelectionKey.OP_READ;

  /** Why the event loop reading the connection gave it up, for the reader thread's log. */
  private volatile String lostBecause;

  private final ThreadLocal<Boolean> flushScheduledHere = ThreadLocal.withInitial(() -> false);
  private final Runnable flushTask = this::flushAtEndOfTurn;

  /**
   * What the other end is called in the log: NATS, or a router node this wire connects to directly
   * ({@link DirectCallWire}).
   */
  private volatile String remote = "NATS";

  /** Runs on the reader thread each time a connection is made (handshake done); may publish. */
  private volatile Runnable whenConnected = () -> {};

  private volatile boolean connected;
  private volatile boolean closed;
  private volatile String state = "connecting";
  private volatile long maxPayload;

  /** When the PING waiting for its PONG was sent (System.nanoTime()); 0 when none waits. */
  private volatile long pingSent;

  // The reader thread's.
  private boolean handshaking;
  private boolean up;
  private long lastPing;
  private int errorsLogged;

  /**
   * How often the reader pings NATS while connected (whatever the node's other connection does).
   */
  private static final long PING_EVERY_NANOS = 1_000_000_000L;

  private record Incoming(String subject, int sid, int headerBytes, int totalBytes) {}

  /**
   * @param natsUrls comma-separated {@code nats://host:port} URLs (a user and password, or a token,
   *     may be in the URL)
   * @param name the name the connection shows in the server's monitoring
   * @param staleAfter how long a PING of {@link #ping} may wait for its PONG before the connection
   *     is taken for broken and made again
   * @param afterTurn where publications from an event loop are written at the end of its turn
   * @param loops where the connection is read once made ({@link LoopWatch#NONE}: on the reader
   *     thread)
   */
  NatsWire(
      String natsUrls,
      String name,
      Optional<String> user,
      Optional<String> password,
      Optional<String> token,
      Duration connectTimeout,
      Duration staleAfter,
      AfterTurn afterTurn,
      LoopWatch loops) {
    this.servers = parse(natsUrls);
    this.afterTurn = afterTurn;
    this.loops = loops;
    this.name = name;
    this.user = user;
    this.password = password;
    this.token = token;
    this.connectTimeout = connectTimeout;
    this.staleAfter = staleAfter;
    this.reader = new Thread(this::run, name + "-calls");
    reader.setDaemon(true);
  }

  /** Whether every URL of {@code natsUrls} is one this wire speaks to ({@code nats://}). */
  static boolean speaks(String natsUrls) {
    for (String url : natsUrls.split(",")) {
      String u = url.trim().toLowerCase(Locale.ROOT);
      if (!u.startsWith("nats://") && u.contains("://")) {
        return false;
      }
    }
    return true;
  }

  private static List<URI> parse(String natsUrls) {
    List<URI> list = new ArrayList<>();
    for (String url : natsUrls.split(",")) {
      String u = url.trim();
      if (u.isEmpty()) {
        continue;
      }
      try {
        URI uri = new URI(u.contains("://") ? u : "nats://" + u);
        if (uri.getHost() == null) {
          throw new IllegalArgumentException("no host in the NATS URL " + u);
        }
        list.add(uri);
      } catch (URISyntaxException e) {
        throw new IllegalArgumentException("malformed NATS URL " + u + ": " + e.getMessage(), e);
      }
    }
    if (list.isEmpty()) {
      throw new IllegalArgumentException("no NATS URL in '" + natsUrls + "'");
    }
    return list;
  }

  @Override
  public void subscribe(String subject, Receiver receiver) {
    if (reader.isAlive()) {
      throw new IllegalStateException("subscribe before the wire starts");
    }
    subjects.add(subject);
    receivers.add(receiver);
  }

  /**
   * The other end is router node {@code description} ({@link CallListener}), not NATS; {@code
   * connectedHook} runs each time a connection to it is made, on the reader thread, before it takes
   * publications from other threads; what it publishes goes first. Before {@link #start}.
   */
  void peer(String description, Runnable connectedHook) {
    this.remote = description;
    this.whenConnected = connectedHook;
  }

  /** Starts connecting; returns at once. */
  void start() {
    reader.start();
  }

  @Override
  public boolean isConnected() {
    return connected;
  }

  @Override
  public String state() {
    return state;
  }

  @Override
  public long maxPayload() {
    return maxPayload;
  }

  @Override
  public void publish(String subject, String replyTo, byte[] body) {
    StringBuilder head = new StringBuilder(subject.length() + 40).append("PUB ").append(subject);
    if (replyTo != null) {
      head.append(' ').append(replyTo);
    }
    head.append(' ').append(body.length).append("\r\n");
    byte[] line = head.toString().getBytes(UTF_8);
    synchronized (lock) {
      checkWritable(false);
      if (out.position() + backlogBytes + line.length + body.length + 2 > MAX_PENDING) {
        throw new IllegalStateException(
            "NATS does not take the calls between nodes fast enough: "
                + (out.position() + backlogBytes)
                + " bytes wait to go out");
      }
      append(line);
      append(body);
      append(CRLF);
    }
    if (!flushScheduledHere.get()) {
      // Set first: a task that runs at once (or a loop that refuses it) finds it right.
      flushScheduledHere.set(true);
      boolean scheduled;
      try {
        scheduled = afterTurn.schedule(flushTask);
      } catch (RuntimeException refused) {
        scheduled = false;
      }
      if (!scheduled) {
        flushScheduledHere.set(false);
        flush();
      }
    }
  }

  /**
   * Sends a PING unless one waits for its PONG, and takes the connection for broken when one has
   * waited longer than {@code staleAfter}. The reader thread calls it every second.
   */
  void ping() {
    if (!connected) {
      return;
    }
    long sent = pingSent;
    long now = System.nanoTime();
    if (sent != 0) {
      // One PING at a time: a late heartbeat thread does not make the server look silent.
      if (now - sent > staleAfter.toNanos()) {
        LOG.warnf(
            "%s: %s has not answered a PING for %d ms; connecting again",
            name, remote, (now - sent) / 1_000_000);
        breakConnection();
      }
      return;
    }
    try {
      pingSent = now;
      control(PING);
    } catch (IllegalStateException e) {
      pingSent = 0;
      LOG.debugf("%s: ping not sent: %s", name, e.getMessage());
    }
  }

  /** Writes {@code bytes} at once (with whatever waits before them): the handshake, pings. */
  private void control(byte[] bytes) {
    synchronized (lock) {
      checkWritable(true);
      append(bytes);
    }
    flush();
  }

  /** Lock held: whether bytes may be added now; control bytes go before the handshake is done. */
  private void checkWritable(boolean control) {
    SocketChannel ch = channel;
    if (ch == null || !ch.isOpen() || !(connected || (control && onReaderThread()))) {
      throw new IllegalStateException("the NATS connection for calls is " + state);
    }
  }

  /** Lock held: adds {@code bytes} to what waits to be written, growing the buffer if need be. */
  private void append(byte[] bytes) {
    if (out.remaining() < bytes.length) {
      ByteBuffer bigger =
          ByteBuffer.allocate(Math.max(out.capacity() * 2, out.position() + bytes.length));
      out.flip();
      bigger.put(out);
      out = bigger;
    }
    out.put(bytes);
  }

  private boolean onReaderThread() {
    return Thread.currentThread() == reader;
  }

  /** The end of an event loop's turn: the thread's publications go out together. */
  private void flushAtEndOfTurn() {
    flushScheduledHere.set(false);
    flush();
  }

  /**
   * Writes what waits, as far as the socket takes it now; the reader thread writes the rest once
   * the socket takes more. Never blocks.
   */
  private void flush() {
    synchronized (lock) {
      if (out.position() == 0 || channel == null) {
        return;
      }
      try {
        if (!backlog.isEmpty()) {
          // The socket is full already: the reader thread writes it after the backlog.
          moveOutToBacklog(false);
          return;
        }
        out.flip();
        channel.write(out);
        if (out.hasRemaining()) {
          moveOutToBacklog(true);
          key.interestOps(readInterest | SelectionKey.OP_WRITE);
          key.selector().wakeup();
        } else {
          out.clear();
          if (out.capacity() > 4 * INITIAL_OUT) {
            out = ByteBuffer.allocate(INITIAL_OUT);
          }
        }
      } catch (IOException | java.nio.channels.CancelledKeyException e) {
        out.clear();
        breakConnection();
        LOG.debugf("%s: the NATS connection for calls broke: %s", name, e);
      }
    }
  }

  /**
   * Lock held: what {@code out} holds ({@code flipped}: flipped and partly written, else as
   * appended to) joins the backlog, copied once; {@code out} is empty again.
   */
  private void moveOutToBacklog(boolean flipped) {
    if (!flipped) {
      out.flip();
    }
    if (out.hasRemaining()) {
      ByteBuffer chunk = ByteBuffer.allocate(out.remaining());
      chunk.put(out).flip();
      backlog.add(chunk);
      backlogBytes += chunk.remaining();
    }
    out = out.capacity() > 4 * INITIAL_OUT ? ByteBuffer.allocate(INITIAL_OUT) : out.clear();
  }

  /** The socket takes more (the reader thread): the backlog, then what was added meanwhile. */
  private void writable() throws IOException {
    synchronized (lock) {
      moveOutToBacklog(false);
      ByteBuffer[] chunks = backlog.toArray(new ByteBuffer[0]);
      long written = channel.write(chunks);
      backlogBytes -= written;
      while (!backlog.isEmpty() && !backlog.peek().hasRemaining()) {
        backlog.poll();
      }
      if (backlog.isEmpty()) {
        key.interestOps(readInterest);
      }
    }
  }

  /** Closes the connection in use; the reader thread notices and makes a new one. */
  private void breakConnection() {
    synchronized (lock) {
      disconnected();
      if (key != null) {
        key.selector().wakeup();
      }
    }
  }

  private void run() {
    int next = ThreadLocalRandom.current().nextInt(servers.size());
    boolean warned = false;
    try {
      while (!closed) {
        URI server = servers.get(Math.floorMod(next++, servers.size()));
        up = false;
        try {
          converse(server);
        } catch (IOException | RuntimeException e) {
          // Once per outage (also before the first connection): the attempts that follow fail
          // quietly until one succeeds.
          if (!closed && (up || !warned)) {
            LOG.warnf(
                "%s: %s %s at %s (%s); trying again until it answers",
                name, up ? "lost" : "cannot connect to", remote, address(server), e.getMessage());
            warned = true;
          } else if (!closed) {
            LOG.debugf("%s: cannot connect to %s at %s: %s", name, remote, address(server), e);
          }
        } finally {
          if (up) {
            warned = false;
          }
          dropConnection();
        }
        if (!closed) {
          // An interrupt that is not a close (a receiver's) must not end the wire.
          Thread.interrupted();
          try {
            Thread.sleep(200 + ThreadLocalRandom.current().nextInt(100));
          } catch (InterruptedException e) {
            Thread.interrupted();
          }
        }
      }
    } catch (Throwable t) {
      LOG.errorf(t, "%s: the NATS connection for calls stopped; calls between nodes fail", name);
      state = "stopped by an error (see the log)";
      throw t;
    }
  }

  private static String address(URI server) {
    return server.getHost() + ":" + (server.getPort() < 0 ? 4222 : server.getPort());
  }

  /** Lock held: not connected any more, and the socket closed. */
  private void disconnected() {
    connected = false;
    state = closed ? "closed" : "reconnecting";
    if (channel != null) {
      try {
        channel.close();
      } catch (IOException e) {
        LOG.debugf("%s: close: %s", name, e);
      }
    }
  }

  private void dropConnection() {
    synchronized (lock) {
      if (reading != null) {
        reading.dead = true;
        reading = null;
      }
      disconnected();
      channel = null;
      key = null;
      pingSent = 0;
      out.clear();
      backlog.clear();
      backlogBytes = 0;
    }
  }

  /** One connection to {@code server}, from connecting until it breaks or the wire closes. */
  private void converse(URI server) throws IOException {
    try (Selector selector = Selector.open();
        SocketChannel ch = SocketChannel.open()) {
      ch.configureBlocking(false);
      ch.setOption(StandardSocketOptions.TCP_NODELAY, true);
      synchronized (lock) {
        if (closed) {
          return;
        }
        channel = ch;
        key = ch.register(selector, SelectionKey.OP_CONNECT);
        readInterest = SelectionKey.OP_READ;
      }
      lostBecause = null;
      boolean handedOver = false;
      boolean triedHandOver = false;
      handshaking = true;
      errorsLogged = 0;
      Reading reading = new Reading(server);
      synchronized (lock) {
        this.reading = reading;
      }
      int port = server.getPort() < 0 ? 4222 : server.getPort();
      if (ch.connect(new InetSocketAddress(server.getHost(), port))) {
        key.interestOps(SelectionKey.OP_READ);
      }
      long deadline = System.nanoTime() + connectTimeout.toNanos();
      SelectionKey k = key;
      while (!closed) {
        long wait = 1000;
        if (handshaking) {
          long left = deadline - System.nanoTime();
          if (left <= 0) {
            throw new IOException("no answer within " + connectTimeout.toMillis() + " ms");
          }
          wait = Math.max(1, left / 1_000_000);
        }
        selector.select(wait);
        long now = System.nanoTime();
        if (connected && now - lastPing > PING_EVERY_NANOS) {
          lastPing = now;
          ping();
        }
        if (!k.isValid() || !ch.isOpen()) {
          String why = lostBecause;
          throw new EOFException(why != null ? why : "connection closed");
        }
        if (!selector.selectedKeys().remove(k)) {
          continue;
        }
        if (k.isConnectable() && ch.finishConnect()) {
          k.interestOps(SelectionKey.OP_READ);
        }
        if (!handedOver && k.isReadable()) {
          reading.readFrom(ch);
        }
        if (k.isValid() && k.isWritable()) {
          writable();
        }
        if (!triedHandOver && connected && loops != LoopWatch.NONE) {
          triedHandOver = true;
          handedOver = handOver(ch, k, reading);
        }
      }
    }
  }

  /**
   * The connection is made: an event loop reads it from now on, if one takes it. This thread's key
   * stops watching reads first (what arrives meanwhile waits in the socket); it still writes what
   * the socket does not take at once, and pings.
   *
   * @return false when no event loop took it (the loops are not NIO ones): this thread reads on
   */
  private boolean handOver(SocketChannel ch, SelectionKey own, Reading reading) throws IOException {
    synchronized (lock) {
      readInterest = 0;
      own.interestOps(own.interestOps() & ~SelectionKey.OP_READ);
    }
    if (loops.watch(ch, reading)) {
      return true;
    }
    synchronized (lock) {
      readInterest = SelectionKey.OP_READ;
      own.interestOps(own.interestOps() | SelectionKey.OP_READ);
    }
    LOG.debugf("%s: no event loop reads the NATS connection; its own thread does", name);
    return false;
  }

  /**
   * What one connection reads: the bytes not handled yet and the message being read. A connection
   * of its own, so that a thread still reading a broken connection never touches the next one's. An
   * event loop that reads the connection calls it ({@link LoopWatch.Ready}).
   */
  private final class Reading implements LoopWatch.Ready {

    private final URI server;
    private ByteBuffer in = ByteBuffer.allocate(64 << 10);

    /**
     * Set (under lock) once the connection is given up: what is still read from it is dropped, at
     * most once like everything else.
     */
    private volatile boolean dead;

    /** An incoming message whose payload is still to be read; null between messages. */
    private Incoming incoming;

    Reading(URI server) {
      this.server = server;
    }

    /** On the event loop that reads the connection: it has bytes. */
    @Override
    public void ready(SelectionKey key) {
      try {
        if (key.isValid() && key.isReadable()) {
          readFrom((SocketChannel) key.channel());
        }
      } catch (IOException | RuntimeException e) {
        LOG.debugf(e, "%s: the event loop reading NATS gave the connection up", name);
        key.cancel();
        lost(String.valueOf(e.getMessage()));
      }
    }

    /** The loop let the channel go on its own (it shut down, or a read threw an Error). */
    @Override
    public void unwatched() {
      lost("the event loop reading it stopped");
    }

    /**
     * The connection is given up, unless it was already; the reader thread logs {@code why} and
     * connects again.
     */
    private void lost(String why) {
      synchronized (lock) {
        if (!dead) {
          lostBecause = why;
          breakConnection();
        }
      }
    }

    /** Reads what the socket has and handles every whole operation in it. */
    void readFrom(SocketChannel ch) throws IOException {
      if (!in.hasRemaining()) {
        grow(in.capacity() * 2);
      }
      if (ch.read(in) < 0) {
        throw new EOFException("NATS closed the connection");
      }
      in.flip();
      try {
        parse();
      } finally {
        in.compact();
      }
    }

    private void grow(int capacity) throws IOException {
      if (capacity > Math.max(MAX_CONTROL_LINE, maxPayload) * 2 + MAX_CONTROL_LINE) {
        throw new IOException("a message from NATS larger than its max_payload");
      }
      in = ControlLines.grown(in, capacity);
    }

    /** Handles every whole operation in {@code in} (in read mode), leaving the rest. */
    private void parse() throws IOException {
      while (!dead) {
        if (incoming != null) {
          int need = incoming.totalBytes() + 2;
          if (in.remaining() < need) {
            if (need > in.capacity()) {
              in.compact();
              grow(need);
              in.flip();
            }
            return;
          }
          byte[] headers = new byte[incoming.headerBytes()];
          in.get(headers);
          byte[] data = new byte[incoming.totalBytes() - incoming.headerBytes()];
          in.get(data);
          in.position(in.position() + 2);
          Incoming m = incoming;
          incoming = null;
          deliver(this, m, headers, data);
          continue;
        }
        String line = ControlLines.next(in);
        if (line == null) {
          if (in.remaining() > MAX_CONTROL_LINE) {
            throw new IOException("a control line from NATS longer than " + MAX_CONTROL_LINE);
          }
          return;
        }
        operation(line);
      }
    }

    private void operation(String line) throws IOException {
      List<String> t = tokens(line);
      String op = t.isEmpty() ? "" : t.get(0).toUpperCase(Locale.ROOT);
      if (!op.equals("MSG") && !op.equals("HMSG")) {
        // The wire's state is the current connection's: a loop still reading one that was given
        // up (stuck in a receiver meanwhile) must not touch the next one's handshake or pings.
        synchronized (lock) {
          if (!dead) {
            wireOperation(op, line);
          }
        }
        return;
      }
      switch (op) {
        case "MSG" -> {
          // MSG <subject> <sid> [reply-to] <#bytes>
          if (t.size() < 4) {
            throw new IOException("a malformed MSG from NATS: " + abbreviate(line));
          }
          incoming = new Incoming(t.get(1), Integer.parseInt(t.get(2)), 0, size(t.getLast()));
        }
        case "HMSG" -> {
          // HMSG <subject> <sid> [reply-to] <#header bytes> <#total bytes>
          if (t.size() < 5) {
            throw new IOException("a malformed HMSG from NATS: " + abbreviate(line));
          }
          incoming =
              new Incoming(
                  t.get(1),
                  Integer.parseInt(t.get(2)),
                  size(t.get(t.size() - 2)),
                  size(t.getLast()));
        }
        default -> throw new IllegalStateException(op);
      }
    }

    /** Lock held: an operation about the connection, not a message for a receiver. */
    private void wireOperation(String op, String line) throws IOException {
      switch (op) {
        case "PING" -> control(PONG);
        case "PONG" -> {
          pingSent = 0;
          if (handshaking) {
            handshaking = false;
            up = true;
            state = "connected";
            connected = true;
            LOG.infof("%s: connected to %s at %s", name, remote, address(server));
            whenConnected.run();
          }
        }
        case "INFO" -> info(line.substring(4).trim(), server);
        case "+OK" -> {}
        case "-ERR" -> {
          // The first of a connection's errors is worth a warning; a stream of them is not.
          if (errorsLogged++ == 0) {
            LOG.warnf(
                "%s: %s at %s says: %s", name, remote, address(server), line.substring(4).trim());
          } else {
            LOG.debugf(
                "%s: %s at %s says: %s", name, remote, address(server), line.substring(4).trim());
          }
          if (handshaking) {
            throw new IOException(remote + " refused the connection: " + line.substring(4).trim());
          }
        }
        default -> throw new IOException("not a NATS operation: " + abbreviate(line));
      }
    }
  }

  /**
   * The words of a control line, split at runs of spaces or tabs. By hand rather than with {@code
   * String.split(" +")}, which compiles its pattern for every message (measured: a tenth of the
   * reading thread's CPU under load).
   */
  static List<String> tokens(String line) {
    List<String> words = new ArrayList<>(6);
    int start = -1;
    for (int i = 0, n = line.length(); i <= n; i++) {
      boolean blank = i == n || line.charAt(i) == ' ' || line.charAt(i) == '\t';
      if (blank && start >= 0) {
        words.add(line.substring(start, i));
        start = -1;
      } else if (!blank && start < 0) {
        start = i;
      }
    }
    return words;
  }

  private int size(String bytes) throws IOException {
    int n = Integer.parseInt(bytes);
    if (n < 0 || (maxPayload > 0 && n > maxPayload + MAX_CONTROL_LINE)) {
      throw new IOException("a message from NATS of " + n + " bytes");
    }
    return n;
  }

  private static String abbreviate(String line) {
    return line.length() > 80 ? line.substring(0, 80) + "..." : line;
  }

  /**
   * Hands a message to its receiver: one at a time, even while a loop still reading a connection
   * that was given up finishes a message as the next connection's first arrives.
   */
  private void deliver(Reading from, Incoming m, byte[] headers, byte[] data) {
    int index = m.sid() - 1;
    if (index < 0 || index >= receivers.size()) {
      return;
    }
    synchronized (deliveries) {
      if (from.dead) {
        return;
      }
      try {
        receivers.get(index).received(m.subject(), status(headers), data);
      } catch (RuntimeException e) {
        LOG.warnf(e, "%s: a message on %s was not handled", name, m.subject());
      }
    }
  }

  /** The status code in NATS headers ({@code NATS/1.0 503 ...}), or 0. */
  static int status(byte[] headers) {
    if (headers.length < 12) {
      return 0;
    }
    String first = new String(headers, 0, Math.min(headers.length, 64), US_ASCII);
    if (!first.startsWith("NATS/1.0 ")) {
      return 0;
    }
    int code = 0;
    for (int i = 9; i < first.length() && Character.isDigit(first.charAt(i)); i++) {
      code = code * 10 + (first.charAt(i) - '0');
    }
    return code;
  }

  /**
   * The server's INFO: on a new connection, answered with CONNECT, the subscriptions and a PING.
   */
  private void info(String json, URI server) throws IOException {
    boolean tlsRequired = false;
    try (JsonParser p = JSON.createParser(json)) {
      if (p.nextToken() != JsonToken.START_OBJECT) {
        throw new IOException("an INFO from NATS that is not a JSON object");
      }
      while (p.nextToken() == JsonToken.FIELD_NAME) {
        String field = p.currentName();
        JsonToken value = p.nextToken();
        if (field.equals("max_payload") && value.isNumeric()) {
          maxPayload = p.getLongValue();
        } else if (field.equals("tls_required") && value.isBoolean()) {
          tlsRequired = p.getBooleanValue();
        } else {
          p.skipChildren();
        }
      }
    }
    if (!handshaking) {
      return;
    }
    if (tlsRequired) {
      throw new IOException("NATS at " + address(server) + " requires TLS: give it a tls:// URL");
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.writeBytes("CONNECT ".getBytes(US_ASCII));
    out.writeBytes(connect(server));
    out.writeBytes(CRLF);
    for (int i = 0; i < subjects.size(); i++) {
      out.writeBytes(("SUB " + subjects.get(i) + " " + (i + 1) + "\r\n").getBytes(UTF_8));
    }
    out.writeBytes(PING);
    control(out.toByteArray());
  }

  private byte[] connect(URI server) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (JsonGenerator g = JSON.createGenerator(out)) {
      g.writeStartObject();
      g.writeBooleanField("verbose", false);
      g.writeBooleanField("pedantic", false);
      g.writeBooleanField("tls_required", false);
      g.writeStringField("name", name);
      g.writeStringField("lang", "java");
      g.writeStringField("version", "quarkbar");
      g.writeNumberField("protocol", 1);
      // A node's own messages are handled locally; the no-responders status needs headers.
      g.writeBooleanField("echo", false);
      g.writeBooleanField("headers", true);
      g.writeBooleanField("no_responders", true);
      Optional<String> u = user;
      Optional<String> p = password;
      Optional<String> t = token;
      String info = server.getRawUserInfo();
      if (info != null) {
        int colon = info.indexOf(':');
        if (colon >= 0) {
          u = Optional.of(decode(info.substring(0, colon)));
          p = Optional.of(decode(info.substring(colon + 1)));
        } else {
          t = Optional.of(decode(info));
        }
      }
      if (u.isPresent()) {
        g.writeStringField("user", u.get());
        g.writeStringField("pass", p.orElse(""));
      }
      if (t.isPresent()) {
        g.writeStringField("auth_token", t.get());
      }
      g.writeEndObject();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toByteArray();
  }

  /** Percent-decoding of a URL's user info; a {@code +} stays a {@code +} (not a space). */
  private static String decode(String s) {
    return java.net.URLDecoder.decode(s.replace("+", "%2B"), UTF_8);
  }

  @Override
  public void close() {
    // What the event loops published last (the answers of the last calls) goes out if the
    // socket takes it now.
    flush();
    closed = true;
    breakConnection();
    reader.interrupt();
    try {
      reader.join(2000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    state = "closed";
  }
}
