package io.quarkbar.router.support;

import static org.assertj.core.api.Assertions.assertThat;

import io.quarkbar.wamp.protocol.message.Call;
import io.quarkbar.wamp.protocol.message.Invocation;
import io.quarkbar.wamp.protocol.message.Register;
import io.quarkbar.wamp.protocol.message.Registered;
import io.quarkbar.wamp.protocol.message.Result;
import io.quarkbar.wamp.protocol.message.Yield;
import io.quarkbar.wamp.protocol.serialization.Serializer;
import io.vertx.core.Vertx;
import java.net.URI;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Two bystander sessions on {@code realm1}, a callee and a caller on different serializers, joined
 * before a test misbehaves on a session of its own. {@link #assertStillRoutes} proves that whatever
 * the misbehaving session did stayed with it: the bystanders were not disconnected and the router
 * still routes between them.
 */
public final class RealmProbe implements AutoCloseable {

  private static final AtomicInteger PROCEDURES = new AtomicInteger();

  private final WampTestClient callee;
  private final WampTestClient caller;
  private final String procedure;
  private int round;

  public RealmProbe(Vertx vertx, URI ws) {
    procedure = "com.test.probe.echo" + PROCEDURES.incrementAndGet();
    callee = WampTestClient.join(vertx, ws, Serializer.MSGPACK, "realm1");
    caller = WampTestClient.join(vertx, ws, Serializer.JSON, "realm1");
    long request = callee.nextRequest();
    callee.send(new Register(request, Map.of(), procedure));
    assertThat(callee.expect(Registered.class).request()).isEqualTo(request);
  }

  /** A call from one bystander to the other still makes the round trip, with its arguments. */
  public void assertStillRoutes() {
    round++;
    long request = caller.nextRequest();
    caller.send(new Call(request, Map.of(), procedure, List.of("probe", (long) round), Map.of()));
    Invocation invocation = callee.expect(Invocation.class);
    assertThat(invocation.arguments()).containsExactly("probe", (long) round);
    callee.send(new Yield(invocation.request(), Map.of(), invocation.arguments(), Map.of()));
    Result result = caller.expect(Result.class);
    assertThat(result.request()).isEqualTo(request);
    assertThat(result.arguments()).containsExactly("probe", (long) round);
  }

  @Override
  public void close() {
    caller.close();
    callee.close();
  }
}
