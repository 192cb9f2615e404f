package io.quarkbar.wamp.cluster;

import java.io.IOException;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * One thread that selects, as a router's event loop does when it watches the calls' connection
 * ({@link LoopWatch}): for the wire's tests, without Netty.
 */
final class SelectorLoop implements LoopWatch, AutoCloseable {

  private final Selector selector;
  private final Queue<Runnable> tasks = new ConcurrentLinkedQueue<>();
  private final Thread thread;
  private volatile boolean closed;

  SelectorLoop() {
    try {
      selector = Selector.open();
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
    thread = new Thread(this::run, "test-selector-loop");
    thread.setDaemon(true);
    thread.start();
  }

  Thread thread() {
    return thread;
  }

  @Override
  public boolean watch(SocketChannel ch, Ready ready) throws IOException {
    CompletableFuture<SelectionKey> key = new CompletableFuture<>();
    tasks.add(
        () -> {
          try {
            key.complete(ch.register(selector, SelectionKey.OP_READ, ready));
          } catch (IOException e) {
            key.completeExceptionally(e);
          }
        });
    selector.wakeup();
    try {
      key.get(5, TimeUnit.SECONDS);
      return true;
    } catch (InterruptedException | ExecutionException | TimeoutException e) {
      throw new IOException("the loop did not take the channel", e);
    }
  }

  private void run() {
    while (!closed) {
      try {
        selector.select(100);
      } catch (IOException e) {
        return;
      }
      for (SelectionKey key : selector.selectedKeys()) {
        Ready ready = (Ready) key.attachment();
        try {
          ready.ready(key);
        } catch (RuntimeException | Error e) {
          // As Netty does: the channel is let go, and its owner told.
          key.cancel();
          ready.unwatched();
        }
      }
      selector.selectedKeys().clear();
      for (Runnable task = tasks.poll(); task != null; task = tasks.poll()) {
        task.run();
      }
    }
  }

  @Override
  public void close() throws Exception {
    closed = true;
    selector.wakeup();
    thread.join(2000);
    selector.close();
  }
}
