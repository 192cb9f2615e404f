package io.quarkbar.wamp.client.core;

import io.quarkbar.wamp.protocol.codec.ProtocolViolationException;
import io.quarkbar.wamp.protocol.message.WampMessage;
import io.quarkbar.wamp.protocol.serialization.Serializer;
import io.quarkbar.wamp.router.Router;
import io.quarkbar.wamp.router.session.Session;
import io.quarkbar.wamp.router.transport.OutgoingMessage;
import io.quarkbar.wamp.router.transport.Transport;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * Connects clients to a {@link Router} core in the same JVM: every message goes through a
 * serializer's bytes, and each direction of each connection has a thread of its own, so that
 * messages arrive asynchronously and in order, as over a socket. {@link #cutAll} drops every
 * connection as a network failure would; {@link #refuse} makes new connections fail.
 */
final class RouterPipe implements ClientTransport.Connector {

  private final Router router;
  private final Serializer serializer;
  private final List<Pipe> open = new CopyOnWriteArrayList<>();
  private volatile boolean refusing;

  RouterPipe(Router router, Serializer serializer) {
    this.router = router;
    this.serializer = serializer;
  }

  void refuse(boolean refuse) {
    this.refusing = refuse;
  }

  /** Drops every open connection without a word. */
  void cutAll() {
    open.forEach(Pipe::cut);
  }

  int openConnections() {
    return (int) open.stream().filter(p -> !p.closed).count();
  }

  @Override
  public CompletionStage<ClientTransport> connect(ClientTransport.Listener listener) {
    if (refusing) {
      return CompletableFuture.failedFuture(new java.net.ConnectException("Connection refused"));
    }
    Pipe pipe = new Pipe(listener);
    open.add(pipe);
    return CompletableFuture.completedFuture(pipe);
  }

  private final class Pipe implements ClientTransport, Transport {
    private final ClientTransport.Listener listener;
    private final ExecutorService toRouter = Executors.newSingleThreadExecutor(daemon("to-router"));
    private final ExecutorService toClient = Executors.newSingleThreadExecutor(daemon("to-client"));
    private final Session session;
    private volatile boolean closed;

    Pipe(ClientTransport.Listener listener) {
      this.listener = listener;
      this.session = router.attach(this);
    }

    // --- the client's side ---

    @Override
    public void send(WampMessage message) {
      if (closed) {
        return;
      }
      byte[] bytes = serializer.encode(message);
      run(
          toRouter,
          () -> {
            if (closed) {
              return;
            }
            try {
              session.receive(serializer.decode(bytes));
            } catch (ProtocolViolationException e) {
              session.protocolViolation(e.getMessage());
            }
          });
    }

    /**
     * Either side closes the connection (the client, or the router after ABORT or GOODBYE); the
     * router's session hears of it as of any closed connection, which is nothing for a session that
     * has ended already.
     */
    @Override
    public void close() {
      end("closed");
    }

    void cut() {
      end("cut");
    }

    private synchronized void end(String why) {
      if (!closed) {
        closed = true;
        open.remove(this);
        toRouter.execute(session::transportClosed);
        toClient.execute(() -> listener.onClose(why));
        toClient.shutdown();
        toRouter.shutdown();
      }
    }

    // --- the router's side ---

    @Override
    public void send(OutgoingMessage message) {
      if (closed) {
        return;
      }
      byte[] bytes = message.encoded(serializer);
      run(toClient, () -> listener.onMessage(serializer.decode(bytes)));
    }

    @Override
    public String describe() {
      return "pipe/" + serializer.subprotocol();
    }
  }

  /** Runs {@code task} on {@code executor}, unless the connection has just been closed. */
  private static void run(ExecutorService executor, Runnable task) {
    try {
      executor.execute(task);
    } catch (java.util.concurrent.RejectedExecutionException closedMeanwhile) {
      // The message is lost with the connection, as on a socket.
    }
  }

  private static java.util.concurrent.ThreadFactory daemon(String name) {
    return r -> {
      Thread t = new Thread(r, "pipe-" + name);
      t.setDaemon(true);
      return t;
    };
  }
}
