package io.quarkbar.bench.inprocess;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.quarkbar.bench.client.Template;
import io.quarkbar.bench.client.Wire;
import io.quarkbar.wamp.protocol.message.Call;
import io.quarkbar.wamp.protocol.message.Hello;
import io.quarkbar.wamp.protocol.message.Invocation;
import io.quarkbar.wamp.protocol.message.Register;
import io.quarkbar.wamp.protocol.message.Result;
import io.quarkbar.wamp.protocol.message.Yield;
import io.quarkbar.wamp.protocol.serialization.Serializer;
import io.quarkbar.wamp.router.Router;
import io.quarkbar.wamp.router.config.RouterConfig;
import io.quarkbar.wamp.router.session.Session;
import io.quarkbar.wamp.router.transport.OutgoingMessage;
import io.quarkbar.wamp.router.transport.Transport;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The WAMP work of one routed call, without sockets: decode the CALL, route it, encode the
 * INVOCATION, decode the YIELD, route it, encode the RESULT, through the router core and the
 * serializer that router-service runs, on one thread of this JVM. The raw relay's CPU per call is
 * what the transport costs; this is what a router adds to it, and the two together should come
 * close to quarkbar's CPU per call.
 *
 * <p>The client's side (rendering the CALL and YIELD bytes, reading the invocation's ID) is timed
 * on its own and subtracted. Each message is copied out of a buffer once, as router-service copies
 * each frame's bytes before decoding.
 */
public final class WampWorkProbe {

  private static final String PROCEDURE = "bench.echo";
  private static final List<Object> ARGS = List.of("bench-payload-0123456789", 42L, true);

  private WampWorkProbe() {}

  /**
   * Nanoseconds of router work per call with {@code serializer}: the fastest of {@code rounds}
   * rounds of {@code calls} calls each, after one unmeasured round. The fastest, because on a
   * shared machine anything slower is someone else's doing.
   */
  public static double nanosPerCall(Serializer serializer, int calls, int rounds) {
    Router router = new Router(RouterConfig.openRealm("realm1"));
    try {
      Peer caller = new Peer(router, serializer);
      Peer callee = new Peer(router, serializer);
      Map<String, Object> roles = Map.of("caller", Map.of(), "callee", Map.of());
      caller.receive(serializer.encode(new Hello("realm1", Map.of("roles", roles))));
      callee.receive(serializer.encode(new Hello("realm1", Map.of("roles", roles))));
      callee.receive(serializer.encode(new Register(1, Map.of(), PROCEDURE)));
      Template call =
          Template.of(serializer, id -> new Call(id, Map.of(), PROCEDURE, ARGS, Map.of()));
      Template yield = Template.of(serializer, id -> new Yield(id, Map.of(), ARGS, Map.of()));
      double best = Double.MAX_VALUE;
      long check = 0;
      for (int round = 0; round <= rounds; round++) {
        long start = System.nanoTime();
        for (int i = 1; i <= calls; i++) {
          caller.receive(bytes(call.render(i)));
          long invocation = Wire.intAt(serializer, callee.lastSent(), 1);
          callee.receive(bytes(yield.render(invocation)));
          check += Wire.intAt(serializer, caller.lastSent(), 1);
        }
        long routed = System.nanoTime() - start;
        // Whole messages, decoded: a router that wrote broken bytes would otherwise look fast.
        if (!(serializer.decode(callee.lastSent.clone()) instanceof Invocation sent)
            || !sent.arguments().equals(ARGS)) {
          throw new IllegalStateException(
              "the router sent the callee something else than the INVOCATION: "
                  + serializer.decode(callee.lastSent.clone()));
        }
        if (!(serializer.decode(caller.lastSent.clone()) instanceof Result result)
            || !result.arguments().equals(ARGS)) {
          throw new IllegalStateException(
              "the router answered a call with something else than its RESULT: "
                  + serializer.decode(caller.lastSent.clone()));
        }
        // The same client-side steps, on the last INVOCATION and RESULT, without the router.
        start = System.nanoTime();
        for (int i = 1; i <= calls; i++) {
          check += bytes(call.render(i)).length;
          long invocation = Wire.intAt(serializer, callee.lastSent(), 1);
          check += bytes(yield.render(invocation)).length;
          check += Wire.intAt(serializer, caller.lastSent(), 1);
        }
        long clientSide = System.nanoTime() - start;
        if (round > 0) {
          best = Math.min(best, (routed - clientSide) / (double) calls);
        }
      }
      // Keeps the client side's work from being optimized away.
      return check == Long.MIN_VALUE ? Double.NaN : best;
    } finally {
      router.shutdown(1, TimeUnit.SECONDS);
    }
  }

  private static byte[] bytes(ByteBuf buf) {
    return ByteBufUtil.getBytes(buf);
  }

  /** A client connection that keeps only the last message the router sent it, as bytes. */
  private static final class Peer implements Transport {

    private final Serializer serializer;
    private final Session session;
    private byte[] lastSent = new byte[0];

    Peer(Router router, Serializer serializer) {
      this.serializer = serializer;
      this.session = router.attach(this);
    }

    void receive(byte[] bytes) {
      session.receive(serializer.decode(bytes));
    }

    ByteBuf lastSent() {
      return Unpooled.wrappedBuffer(lastSent);
    }

    @Override
    public void send(OutgoingMessage message) {
      lastSent = message.encoded(serializer);
    }

    @Override
    public void close() {}

    @Override
    public String describe() {
      return "in-process";
    }
  }
}
