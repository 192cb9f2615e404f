package io.quarkbar.router.websocket;

import static org.assertj.core.api.Assertions.assertThat;

import io.quarkbar.router.support.RealmProbe;
import io.quarkbar.router.support.WampTestClient;
import io.quarkbar.wamp.protocol.message.Error;
import io.quarkbar.wamp.protocol.message.Subscribed;
import io.quarkbar.wamp.protocol.message.Welcome;
import io.quarkbar.wamp.protocol.serialization.Serializer;
import io.quarkbar.wamp.protocol.uri.WampUris;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.vertx.core.Vertx;
import jakarta.inject.Inject;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * A catalogue of hostile messages sent through the real WebSocket endpoint, each with what its
 * sender gets: an ABORT that names the reason, an ERROR, or a normal answer where the message is
 * odd but valid (unknown options are ignored, as the specification asks). Whatever it is, two
 * bystander sessions keep routing ({@link RealmProbe}).
 */
@QuarkusTest
class HostileInputTest {

  /** What the sender of a hostile message gets. */
  sealed interface Outcome permits Aborted, Answered {}

  /** ABORT with {@code reason}, then the connection closes. */
  record Aborted(String reason) implements Outcome {}

  /** A reply of this type (the message was accepted, or refused with an ERROR). */
  record Answered(Class<?> type, String error) implements Outcome {}

  static Aborted abort(String reason) {
    return new Aborted(reason);
  }

  static Answered answer(Class<?> type) {
    return new Answered(type, null);
  }

  static Answered error(String uri) {
    return new Answered(Error.class, uri);
  }

  static final String VIOLATION = WampUris.PROTOCOL_VIOLATION;

  /** Messages sent by a client that has joined realm1 with JSON. */
  static Stream<Arguments> afterJoin() {
    String deep = "[".repeat(70) + "]".repeat(70);
    StringBuilder hugeList = new StringBuilder("[0");
    for (int i = 0; i < 200_000; i++) {
      hugeList.append(",0");
    }
    hugeList.append(']');
    return Stream.of(
        // Structure
        hostile(
            "deep nesting in a payload", "[16, 1, {}, \"com.t\", " + deep + "]", abort(VIOLATION)),
        hostile(
            "deep nesting in options",
            "[32, 1, {\"x\": " + deep + "}, \"com.t\"]",
            abort(VIOLATION)),
        hostile(
            "200,001 values in one list",
            "[16, 1, {}, \"com.t\", " + hugeList + "]",
            abort(VIOLATION)),
        hostile(
            "a string of 1.5 MB",
            "[16, 1, {}, \"com.t\", [\"" + "x".repeat(3 << 19) + "\"]]",
            abort(WampUris.PAYLOAD_SIZE_EXCEEDED)),
        hostile("an empty list", "[]", abort(VIOLATION)),
        hostile("a dict instead of a list", "{\"type\": 32}", abort(VIOLATION)),
        // IDs
        hostile(
            "request ID 0 (some clients use it)",
            "[32, 0, {}, \"com.t\"]",
            answer(Subscribed.class)),
        hostile("a negative request ID", "[32, -1, {}, \"com.t\"]", abort(VIOLATION)),
        hostile(
            "a request ID above 2^53", "[32, 9007199254740993, {}, \"com.t\"]", abort(VIOLATION)),
        hostile(
            "a request ID of 2^64", "[32, 18446744073709551616, {}, \"com.t\"]", abort(VIOLATION)),
        hostile("a fractional request ID", "[32, 1.5, {}, \"com.t\"]", abort(VIOLATION)),
        hostile(
            "an integral float ID (wampy)", "[32, 7.0, {}, \"com.t\"]", answer(Subscribed.class)),
        hostile("an unknown subscription", "[34, 1, 123456]", error(WampUris.NO_SUCH_SUBSCRIPTION)),
        // Wrong types in every field
        hostile("the message type as a string", "[\"32\", 1, {}, \"com.t\"]", abort(VIOLATION)),
        hostile("an unknown message type", "[999, 1, {}, \"com.t\"]", abort(VIOLATION)),
        hostile("a request ID as a string", "[32, \"1\", {}, \"com.t\"]", abort(VIOLATION)),
        hostile("options as a list", "[32, 1, [], \"com.t\"]", abort(VIOLATION)),
        hostile("a topic as a number", "[32, 1, {}, 7]", abort(VIOLATION)),
        hostile("arguments as a dict", "[16, 1, {}, \"com.t\", {\"a\": 1}]", abort(VIOLATION)),
        hostile("keyword arguments as a list", "[16, 1, {}, \"com.t\", [], [1]]", abort(VIOLATION)),
        hostile("too many elements", "[32, 1, {}, \"com.t\", 5]", abort(VIOLATION)),
        hostile("too few elements", "[48, 1, {}]", abort(VIOLATION)),
        hostile(
            "a bool option as a string",
            "[16, 1, {\"acknowledge\": \"yes\"}, \"com.t\"]",
            abort(VIOLATION)),
        hostile("a bool option as 1", "[16, 1, {\"exclude_me\": 1}, \"com.t\"]", abort(VIOLATION)),
        hostile(
            "an unknown match policy",
            "[32, 1, {\"match\": \"regex\"}, \"com.t\"]",
            abort(VIOLATION)),
        hostile(
            "a non-ID in an exclude list",
            "[16, 1, {\"exclude\": [\"x\"]}, \"com.t\"]",
            abort(VIOLATION)),
        hostile(
            "a negative call timeout", "[48, 1, {\"timeout\": -5}, \"com.t\"]", abort(VIOLATION)),
        hostile("an invalid topic", "[32, 1, {}, \"com..t\"]", error(WampUris.INVALID_URI)),
        hostile("a topic with a space", "[32, 1, {}, \"com.a b\"]", error(WampUris.INVALID_URI)),
        // Unknown options are ignored, as the specification asks
        hostile(
            "unknown options, nested",
            "[32, 1, {\"x_custom\": {\"a\": [1, {\"b\": null}]}, \"_impl\": true}, \"com.t\"]",
            answer(Subscribed.class)),
        // Identities a client must not choose
        hostile(
            "registering under wamp.",
            "[64, 1, {}, \"wamp.session.count\"]",
            error(WampUris.NOT_AUTHORIZED)),
        hostile(
            "a prefix registration of wamp.",
            "[64, 1, {\"match\": \"prefix\"}, \"wamp.\"]",
            error(WampUris.NOT_AUTHORIZED)),
        // Handshake messages out of place
        hostile("AUTHENTICATE on an open session", "[5, \"sig\", {}]", abort(VIOLATION)),
        hostile(
            "a second HELLO", "[1, \"realm1\", {\"roles\": {\"caller\": {}}}]", abort(VIOLATION)),
        hostile("CHALLENGE from a client", "[4, \"ticket\", {}]", abort(VIOLATION)),
        hostile("WELCOME from a client", "[2, 1, {}]", abort(VIOLATION)));
  }

  /** Messages sent as a connection's first message. */
  static Stream<Arguments> beforeJoin() {
    return Stream.of(
        hostile("AUTHENTICATE without a CHALLENGE", "[5, \"sig\", {}]", abort(VIOLATION)),
        hostile("HELLO without roles", "[1, \"realm1\", {}]", abort(VIOLATION)),
        hostile(
            "HELLO with roles as a list",
            "[1, \"realm1\", {\"roles\": [\"caller\"]}]",
            abort(VIOLATION)),
        hostile(
            "HELLO announcing only roles that do not exist",
            "[1, \"realm1\", {\"roles\": {\"superuser\": {\"features\": {\"everything\": true}}}}]",
            abort(VIOLATION)),
        hostile(
            "HELLO with a role that is not a dict",
            "[1, \"realm1\", {\"roles\": {\"caller\": true}}]",
            abort(VIOLATION)),
        hostile(
            "HELLO with features that are not a dict",
            "[1, \"realm1\", {\"roles\": {\"caller\": {\"features\": [1]}}}]",
            abort(VIOLATION)),
        hostile(
            "HELLO with thousands of made-up features",
            "[1, \"realm1\", {\"roles\": {\"caller\": {\"features\": {"
                + manyFeatures(5000)
                + "}}}}]",
            answer(Welcome.class)),
        hostile(
            "HELLO with authmethods that are not strings",
            "[1, \"realm1\", {\"roles\": {\"caller\": {}}, \"authmethods\": [1, null, {}]}]",
            abort(WampUris.NO_MATCHING_AUTH_METHOD)),
        hostile(
            "HELLO with an authid of 100 kB",
            "[1, \"realm1\", {\"roles\": {\"caller\": {}}, \"authid\": \""
                + "a".repeat(100_000)
                + "\"}]",
            answer(Welcome.class)),
        hostile(
            "HELLO for a realm of 100 kB",
            "[1, \"" + "r".repeat(100_000) + "\", {\"roles\": {\"caller\": {}}}]",
            abort(WampUris.NO_SUCH_REALM)),
        hostile(
            "HELLO for an invalid realm",
            "[1, \"a b\", {\"roles\": {\"caller\": {}}}]",
            abort(WampUris.INVALID_URI)),
        hostile("SUBSCRIBE before HELLO", "[32, 1, {}, \"com.t\"]", abort(VIOLATION)));
  }

  private static String manyFeatures(int n) {
    StringBuilder b = new StringBuilder();
    for (int i = 0; i < n; i++) {
      b.append(i == 0 ? "" : ",").append("\"f").append(i).append("\": true");
    }
    return b.toString();
  }

  private static Arguments hostile(String what, String json, Outcome outcome) {
    return Arguments.of(what, json, outcome);
  }

  @Inject Vertx vertx;

  @TestHTTPResource("/ws")
  URI ws;

  private RealmProbe bystanders;
  private final List<WampTestClient> clients = new ArrayList<>();

  @BeforeEach
  void joinBystanders() {
    bystanders = new RealmProbe(vertx, ws);
  }

  @AfterEach
  void closeAll() {
    clients.forEach(WampTestClient::close);
    bystanders.close();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("afterJoin")
  void afterJoining(String what, String json, Outcome outcome) {
    WampTestClient c = connect();
    c.join("realm1");
    c.sendText(json);
    expect(c, outcome);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("beforeJoin")
  void asTheFirstMessage(String what, String json, Outcome outcome) {
    WampTestClient c = connect();
    c.sendText(json);
    expect(c, outcome);
  }

  private void expect(WampTestClient c, Outcome outcome) {
    switch (outcome) {
      case Aborted a -> c.expectAbortAndClose(a.reason());
      case Answered a when a.error() != null ->
          assertThat(c.expect(Error.class).error()).isEqualTo(a.error());
      case Answered a ->
          assertThat(
                  c.expectFrame(
                          a.type().asSubclass(io.quarkbar.wamp.protocol.message.WampMessage.class))
                      .message())
              .isInstanceOf(a.type());
    }
    bystanders.assertStillRoutes();
  }

  private WampTestClient connect() {
    WampTestClient c = WampTestClient.connect(vertx, ws, Serializer.JSON);
    clients.add(c);
    return c;
  }
}
