package io.quarkbar.wamp.cluster;

import io.nats.client.Connection;
import io.nats.client.KeyValue;
import io.nats.client.KeyValueOptions;
import io.nats.client.api.KeyValueConfiguration;
import io.nats.client.api.StorageType;
import io.quarkbar.wamp.router.broker.Broker;
import io.quarkbar.wamp.router.broker.EventExchange.NotShared;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;

/**
 * The thread a key-value bucket's blocking API runs on, so that routing threads never wait for it:
 * tasks run one after another in the order they were asked for, and once the node is leaving the
 * cluster, new ones are refused. {@code what} names the bucket's contents in errors ("the cluster's
 * registrations did not answer: ...").
 */
final class KvWorker {

  private static final org.jboss.logging.Logger LOG =
      org.jboss.logging.Logger.getLogger(KvWorker.class);

  interface Task<T> {
    T run() throws Exception;
  }

  private final ExecutorService executor;
  private final String what;

  KvWorker(ExecutorService executor, String what) {
    this.executor = executor;
    this.what = what;
  }

  /**
   * Runs {@code task} on the worker; its stage fails with {@link NotShared} when the task throws
   * one, with {@code quarkbar.error.cluster_unavailable} for anything else it throws.
   */
  <T> CompletionStage<T> supply(Task<T> task) {
    CompletableFuture<T> result = new CompletableFuture<>();
    try {
      executor.execute(
          () -> {
            try {
              result.complete(task.run());
            } catch (NotShared e) {
              result.completeExceptionally(e);
            } catch (Exception e) {
              result.completeExceptionally(
                  new NotShared(
                      Broker.CLUSTER_UNAVAILABLE,
                      "the cluster's " + what + " did not answer: " + e,
                      e));
            }
          });
    } catch (RejectedExecutionException e) {
      result.completeExceptionally(
          new NotShared(Broker.CLUSTER_UNAVAILABLE, "this node is leaving the cluster", e));
    }
    return result;
  }

  /** Runs {@code task} on the worker; dropped once the node is leaving the cluster. */
  void run(Runnable task) {
    try {
      executor.execute(task);
    } catch (RejectedExecutionException e) {
      // leaving the cluster
    }
  }

  /**
   * Worker only: when the bucket opened last was created (its stream), as of the last (re)opening:
   * see {@link #reopen}.
   */
  private java.time.ZonedDateTime bucketCreated;

  /**
   * Worker only: {@link #openBucket}, noting when the bucket was created for a later {@link
   * #reopen}.
   */
  KeyValue open(Connection c, String bucket, Duration timeout) throws Exception {
    KeyValue handle = openBucket(c, bucket, timeout);
    bucketCreated = createdAt(handle);
    return handle;
  }

  /**
   * The cluster's bucket {@code bucket}, created first if it is new: one value per key, kept on
   * disk (so that a NATS server's restart keeps it). Blocks up to {@code timeout} per request.
   */
  private static KeyValue openBucket(Connection c, String bucket, Duration timeout)
      throws Exception {
    KeyValueOptions options = KeyValueOptions.builder().jsRequestTimeout(timeout).build();
    var management = c.keyValueManagement(options);
    if (!management.getBucketNames().contains(bucket)) {
      management.create(
          KeyValueConfiguration.builder()
              .name(bucket)
              .maxHistoryPerKey(1)
              .storageType(StorageType.File)
              .build());
    }
    return c.keyValue(bucket, options);
  }

  /**
   * When the bucket's stream was created, or null if NATS does not say: a later time than at
   * opening means the bucket was lost (a NATS server that came back without its store) and created
   * again, so what this node had put in it must be put back.
   */
  private static java.time.ZonedDateTime createdAt(KeyValue bucketHandle) {
    try {
      return bucketHandle.getStatus().getBackingStreamInfo().getCreateTime();
    } catch (Exception e) {
      return null;
    }
  }

  /**
   * The bucket opened again after NATS came back, and whether it is not the one opened before (NATS
   * lost it): then what this node had put in it must be put back.
   */
  record Reopened(KeyValue bucket, boolean lost) {}

  /**
   * Worker only: opens {@code bucket} again (creating it if NATS lost it); see {@link Reopened}.
   */
  Reopened reopen(Connection c, String bucket, Duration timeout) throws Exception {
    java.time.ZonedDateTime createdBefore = bucketCreated;
    KeyValue handle = open(c, bucket, timeout);
    boolean lost =
        createdBefore != null && bucketCreated != null && !createdBefore.equals(bucketCreated);
    return new Reopened(handle, lost);
  }

  /** Worker only: the watch {@link #watch} started last, if any. */
  private io.nats.client.impl.NatsKeyValueWatchSubscription watch;

  /**
   * Worker only: watches the whole bucket with {@code watcher}, instead of the watch started
   * before, if any, which is stopped: after NATS came back, its consumer may be gone with the
   * server, which is worth no more than a debug line.
   */
  void watch(KeyValue bucketHandle, io.nats.client.api.KeyValueWatcher watcher) throws Exception {
    if (watch != null) {
      try {
        watch.unsubscribe();
      } catch (RuntimeException e) {
        LOG.debugf("the old watch of the cluster's %s: %s", what, e);
      }
    }
    watch = bucketHandle.watchAll(watcher);
  }

  /** Why the bucket cannot be used now: it is not open yet, or NATS is not connected. */
  NotShared notReady(Connection c, boolean open) {
    return new NotShared(
        Broker.CLUSTER_UNAVAILABLE,
        c == null || !open
            ? "the cluster's " + what + " are not open yet on this node"
            : "the cluster's "
                + what
                + " are unreachable (NATS "
                + c.getStatus().name().toLowerCase(Locale.ROOT)
                + ")",
        null);
  }
}
