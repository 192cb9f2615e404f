package io.quarkbar.wamp.router.fuzz;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

import io.quarkbar.wamp.protocol.message.Hello;
import io.quarkbar.wamp.protocol.message.Publish;
import io.quarkbar.wamp.protocol.message.Register;
import io.quarkbar.wamp.protocol.message.Registered;
import io.quarkbar.wamp.protocol.message.Subscribe;
import io.quarkbar.wamp.protocol.message.Subscribed;
import io.quarkbar.wamp.protocol.message.WampMessage;
import io.quarkbar.wamp.protocol.message.Welcome;
import io.quarkbar.wamp.protocol.serialization.Serializer;
import io.quarkbar.wamp.router.Router;
import io.quarkbar.wamp.router.config.RouterConfig;
import io.quarkbar.wamp.router.transport.LocalTransport;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * What {@link RouterFuzzTest} found, each cut down to a message or two. Most are messages the
 * router accepts from one client and then fails to send on to a client on another serializer: the
 * exception comes out of the sender's {@code sendBytesToRouter}, in the middle of routing.
 * (router-service catches it, aborts the sender with "internal router error" and logs it; receivers
 * later in the same delivery never get the message.)
 */
class RouterFindingsTest {

  private static final String TOPIC = "com.example.topic";

  private final Router router = new Router(RouterConfig.openRealm("realm1"));

  @Test
  void aLoneSurrogateFromAJsonPublisherDoesNotBreakRoutingToCbor() {
    LocalTransport subscriber = subscribed(Serializer.CBOR);
    LocalTransport publisher = joined(Serializer.JSON);

    assertThatCode(
            () -> publisher.sendBytesToRouter(utf8("[16,1,{},\"" + TOPIC + "\",[\"\\udd1e\"]]")))
        .doesNotThrowAnyException();
    assertThat(subscriber.isClosed()).isFalse();
  }

  @Test
  void anIntegerBeyond64BitsFromAJsonPublisherDoesNotBreakRoutingToMsgpack() {
    LocalTransport subscriber = subscribed(Serializer.MSGPACK);
    LocalTransport publisher = joined(Serializer.JSON);

    assertThatCode(
            () ->
                publisher.sendBytesToRouter(
                    utf8("[16,1,{},\"" + TOPIC + "\",[18446744073709551616]]")))
        .doesNotThrowAnyException();
    assertThat(subscriber.isClosed()).isFalse();
  }

  @Test
  void anIntegerBeyond64BitsFromAJsonCallerDoesNotBreakRoutingToAMsgpackCallee() {
    LocalTransport callee = joined(Serializer.MSGPACK);
    callee.sendToRouter(new Register(1, Map.of(), "com.example.procedure"));
    assertThat(next(callee)).isInstanceOf(Registered.class);
    LocalTransport caller = joined(Serializer.JSON);

    assertThatCode(
            () ->
                caller.sendBytesToRouter(
                    utf8("[48,1,{},\"com.example.procedure\",[18446744073709551616]]")))
        .doesNotThrowAnyException();
    assertThat(callee.isClosed()).isFalse();
  }

  /**
   * A msgpack string that starts with U+0000 would reach a JSON subscriber as binary (WAMP's JSON
   * convention), or as nothing readable: it is refused on arrival, and only its sender notices.
   */
  @Test
  void aStringThatStartsWithNulIsRefusedOnArrival() {
    LocalTransport subscriber = subscribed(Serializer.JSON);
    LocalTransport publisher = joined(Serializer.MSGPACK);

    publisher.sendBytesToRouter(
        Serializer.MSGPACK.encode(
            new Publish(1, Map.of(), TOPIC, List.of("\u0000not base64"), Map.of())));

    assertThat(next(publisher)).isInstanceOf(io.quarkbar.wamp.protocol.message.Abort.class);
    assertThat(publisher.isClosed()).as("publisher closed").isTrue();
    assertThat(next(subscriber)).isNull();
    assertThat(subscriber.isClosed()).isFalse();
  }

  @Test
  void aMsgpackFrameThatPromisesMoreThanItHoldsEndsOnlyItsSession() {
    LocalTransport client = LocalTransport.connect(router, Serializer.MSGPACK);

    // A list of one bin 32 whose header promises 2^31 - 1 bytes; none follow.
    assertThatCode(() -> client.sendBytesToRouter(HexFormat.of().parseHex("91c67fffffff")))
        .doesNotThrowAnyException();
    assertThat(client.isClosed()).as("closed after ABORT").isTrue();
  }

  private LocalTransport joined(Serializer serializer) {
    LocalTransport client = LocalTransport.connect(router, serializer);
    client.sendToRouter(new Hello("realm1", Map.of("roles", Arena.ROLES)));
    assertThat(next(client)).isInstanceOf(Welcome.class);
    return client;
  }

  private LocalTransport subscribed(Serializer serializer) {
    LocalTransport client = joined(serializer);
    client.sendToRouter(new Subscribe(1, Map.of(), TOPIC));
    assertThat(next(client)).isInstanceOf(Subscribed.class);
    return client;
  }

  /** Delivery is synchronous: what the router sent is waiting already. */
  private static WampMessage next(LocalTransport client) {
    return client.poll(Duration.ZERO);
  }

  private static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }
}
