package io.quarkbar.wamp.client;

import com.fasterxml.jackson.core.type.TypeReference;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import java.time.Duration;
import java.util.Map;

/**
 * Calls procedures and publishes events through a WAMP connection. Inject it ({@code @Inject Wamp
 * wamp}) for the default connection; {@link #connection} names another.
 *
 * <p>Arguments and results go through the application's Jackson {@code ObjectMapper}. A call fails
 * with {@link WampException} when the callee or the router answers ERROR; cancelling the {@code
 * Uni} cancels the call ({@code CANCEL}, mode {@code killnowait}). While the connection is down, a
 * call fails at once or waits, as {@code quarkbar.wamp.offline-calls} says.
 */
public interface Wamp {

  /**
   * Calls {@code procedure} with positional {@code args}; the result's first argument, as {@code
   * type}.
   */
  <T> Uni<T> call(String procedure, Class<T> type, Object... args);

  /** As {@link #call(String, Class, Object...)}, for generic results ({@code List<Post>}). */
  <T> Uni<T> call(String procedure, TypeReference<T> type, Object... args);

  /** A call with options: keyword arguments, a timeout, disclosure; see {@link CallBuilder}. */
  CallBuilder call(String procedure);

  /** Publishes {@code args} to {@code topic}; completes once sent. */
  Uni<Void> publish(String topic, Object... args);

  /** A publication with options; see {@link PublishBuilder}. */
  PublishBuilder publish(String topic);

  /** The connection named {@code quarkbar.wamp.connections.<name>}. */
  Wamp connection(String name);

  /** Whether the connection is joined with every registration and subscription in place. */
  boolean isReady();

  /** A call being built. */
  interface CallBuilder {

    /** The positional arguments. */
    CallBuilder args(Object... args);

    /** The keyword arguments. */
    CallBuilder kwargs(Map<String, ?> kwargs);

    /** The dealer gives up after {@code timeout} ({@code CALL.Options.timeout}, in ms). */
    CallBuilder timeout(Duration timeout);

    /** Asks the router to tell the callee who calls. */
    CallBuilder discloseMe();

    <T> Uni<T> as(Class<T> type);

    <T> Uni<T> as(TypeReference<T> type);

    /** The progressive results, then the final one, each as {@code type}. */
    <T> Multi<T> progressive(Class<T> type);
  }

  /** A publication being built. */
  interface PublishBuilder {

    PublishBuilder args(Object... args);

    PublishBuilder kwargs(Map<String, ?> kwargs);

    /** Lets the publisher receive its own event too ({@code exclude_me: false}). */
    PublishBuilder includeMe();

    /** Asks the router to tell subscribers who published. */
    PublishBuilder discloseMe();

    /** Asks the broker to keep it as the topic's retained event. */
    PublishBuilder retain();

    /** Sends it; with {@code acknowledged}, completes once the broker confirms. */
    Uni<Void> send(boolean acknowledged);
  }
}
