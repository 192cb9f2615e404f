package io.quarkbar.wamp.client.runtime;

import io.vertx.core.Vertx;
import java.util.concurrent.Executor;

/**
 * Runs handlers where their kind asks, as websockets-next runs its endpoints: inline on the
 * connection's event loop (methods returning {@code Uni}, {@code CompletionStage}, {@code Multi}),
 * on Quarkus' worker pool (plain, {@code @Blocking}, {@code @Transactional}), or on a virtual
 * thread ({@code @RunOnVirtualThread}).
 */
final class Execution {

  private final Vertx vertx;
  private final Executor virtualThreads;

  Execution(Vertx vertx, Executor virtualThreads) {
    this.vertx = vertx;
    this.virtualThreads = virtualThreads;
  }

  void run(MethodMetadata.Execution where, Runnable task) {
    switch (where) {
      case EVENT_LOOP -> task.run();
      case WORKER ->
          vertx.executeBlocking(
              () -> {
                task.run();
                return null;
              },
              false);
      case VIRTUAL_THREAD -> virtualThreads.execute(task);
    }
  }

  /**
   * An executor that runs tasks one at a time, in the order given, where {@code where} says: the
   * events of one subscription must not overtake each other on a pool of threads.
   */
  Executor serial(MethodMetadata.Execution where) {
    if (where == MethodMetadata.Execution.EVENT_LOOP) {
      return Runnable::run;
    }
    return new Executor() {
      private final java.util.ArrayDeque<Runnable> queue = new java.util.ArrayDeque<>();
      private boolean running;

      @Override
      public void execute(Runnable task) {
        synchronized (this) {
          queue.add(task);
          if (running) {
            return;
          }
          running = true;
        }
        run(where, this::drain);
      }

      private void drain() {
        while (true) {
          Runnable next;
          synchronized (this) {
            next = queue.poll();
            if (next == null) {
              running = false;
              return;
            }
          }
          next.run();
        }
      }
    };
  }
}
