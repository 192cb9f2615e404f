package io.quarkbar.router.websocket;

import static org.assertj.core.api.Assertions.assertThat;

import io.quarkbar.router.support.RealmProbe;
import io.quarkbar.router.support.WampTestClient;
import io.quarkbar.wamp.protocol.message.Call;
import io.quarkbar.wamp.protocol.message.Hello;
import io.quarkbar.wamp.protocol.message.Invocation;
import io.quarkbar.wamp.protocol.message.Publish;
import io.quarkbar.wamp.protocol.message.Register;
import io.quarkbar.wamp.protocol.message.Registered;
import io.quarkbar.wamp.protocol.message.Result;
import io.quarkbar.wamp.protocol.message.Yield;
import io.quarkbar.wamp.protocol.serialization.Serializer;
import io.quarkbar.wamp.protocol.uri.WampUris;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.vertx.core.Vertx;
import jakarta.inject.Inject;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * {@code router.websocket.max-message-size}: a message over it ends that session with ABORT {@code
 * wamp.error.payload_size_exceeded}, however it arrives; one within it is routed as usual.
 */
@QuarkusTest
@TestProfile(MessageSizeLimitTest.SmallMessages.class)
class MessageSizeLimitTest {

  static final int LIMIT = 4096;

  /** A 4 KiB message limit. */
  public static class SmallMessages implements QuarkusTestProfile {
    @Override
    public Map<String, String> getConfigOverrides() {
      return Map.of("router.websocket.max-message-size", String.valueOf(LIMIT));
    }
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

  @ParameterizedTest
  @EnumSource(Serializer.class)
  void messageOverTheLimitAbortsTheSession(Serializer serializer) {
    WampTestClient c = joined(serializer);
    byte[] big = publish(c, 5000);
    assertThat(big.length).isBetween(LIMIT + 1, 2 * LIMIT);
    c.sendEncoded(big);
    c.expectAbortAndClose(WampUris.PAYLOAD_SIZE_EXCEEDED);
    bystanders.assertStillRoutes();
  }

  @ParameterizedTest
  @EnumSource(Serializer.class)
  void helloOverTheLimitAbortsBeforeTheSessionOpens(Serializer serializer) {
    WampTestClient c = connected(serializer);
    c.send(
        new Hello(
            "realm1", Map.of("roles", WampTestClient.ROLES, "agent", "x".repeat(LIMIT + 100))));
    c.expectAbortAndClose(WampUris.PAYLOAD_SIZE_EXCEEDED);
    bystanders.assertStillRoutes();
  }

  @ParameterizedTest
  @EnumSource(Serializer.class)
  void fragmentsAddingUpToMoreThanTheLimitAbortTheSession(Serializer serializer) {
    WampTestClient c = joined(serializer);
    // Each fragment is well within the limit; only their sum is not.
    c.sendFragmented(publish(c, 5000), 5);
    c.expectAbortAndClose(WampUris.PAYLOAD_SIZE_EXCEEDED);
    bystanders.assertStillRoutes();
  }

  @ParameterizedTest
  @EnumSource(Serializer.class)
  void messageWithinTheLimitIsRouted(Serializer serializer) {
    WampTestClient callee = joined(Serializer.CBOR);
    String procedure = "com.test.size." + serializer.ordinal();
    callee.send(new Register(callee.nextRequest(), Map.of(), procedure));
    callee.expect(Registered.class);

    WampTestClient caller = joined(serializer);
    String payload = "y".repeat(3000);
    long request = caller.nextRequest();
    byte[] call =
        serializer.encode(new Call(request, Map.of(), procedure, List.of(payload), Map.of()));
    assertThat(call.length).isBetween(3000, LIMIT);
    caller.sendEncoded(call);
    Invocation invocation = callee.expect(Invocation.class);
    callee.send(new Yield(invocation.request(), Map.of(), invocation.arguments(), Map.of()));
    Result result = caller.expect(Result.class);
    assertThat(result.request()).isEqualTo(request);
    assertThat(result.arguments()).containsExactly(payload);
    bystanders.assertStillRoutes();
  }

  /** A PUBLISH of about {@code size} bytes in {@code c}'s serializer. */
  private static byte[] publish(WampTestClient c, int size) {
    return c.serializer()
        .encode(
            new Publish(
                c.nextRequest(), Map.of(), "com.test.big", List.of("z".repeat(size)), Map.of()));
  }

  private WampTestClient connected(Serializer serializer) {
    WampTestClient c = WampTestClient.connect(vertx, ws, serializer);
    clients.add(c);
    return c;
  }

  private WampTestClient joined(Serializer serializer) {
    WampTestClient c = connected(serializer);
    c.join("realm1");
    return c;
  }
}
