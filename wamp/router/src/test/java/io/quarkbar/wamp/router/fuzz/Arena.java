package io.quarkbar.wamp.router.fuzz;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import io.quarkbar.wamp.protocol.message.Call;
import io.quarkbar.wamp.protocol.message.Event;
import io.quarkbar.wamp.protocol.message.Hello;
import io.quarkbar.wamp.protocol.message.Invocation;
import io.quarkbar.wamp.protocol.message.Publish;
import io.quarkbar.wamp.protocol.message.Published;
import io.quarkbar.wamp.protocol.message.Register;
import io.quarkbar.wamp.protocol.message.Registered;
import io.quarkbar.wamp.protocol.message.Result;
import io.quarkbar.wamp.protocol.message.Subscribe;
import io.quarkbar.wamp.protocol.message.Subscribed;
import io.quarkbar.wamp.protocol.message.WampMessage;
import io.quarkbar.wamp.protocol.message.Welcome;
import io.quarkbar.wamp.protocol.message.Yield;
import io.quarkbar.wamp.protocol.serialization.Serializer;
import io.quarkbar.wamp.router.Router;
import io.quarkbar.wamp.router.config.Limits;
import io.quarkbar.wamp.router.config.RouterConfig;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A router with well-behaved sessions that joined before any attacker: a callee that answers every
 * invocation of {@link #PROCEDURE} with its arguments, and bystanders, one per serializer, that
 * subscribe to {@link #TOPIC}. Attackers come and go; {@link #checkUnaffected()} tells whether they
 * left a mark.
 */
final class Arena {

  static final String REALM = "realm1";
  static final String PROCEDURE = "com.fuzz.echo";
  static final String TOPIC = "com.fuzz.topic";

  /** The remote address of every attacker connection; the well-behaved sessions have another. */
  static final String ATTACKERS = "attackers";

  private static final String WELL_BEHAVED = "well-behaved";

  /** What a client announces in HELLO: every role, with the features the router implements. */
  static final Map<String, Object> ROLES =
      Map.of(
          "publisher",
          Map.of(
              "features",
              Map.of("publisher_exclusion", true, "subscriber_blackwhite_listing", true)),
          "subscriber",
          Map.of("features", Map.of("pattern_based_subscription", true)),
          "caller",
          Map.of("features", Map.of("progressive_call_results", true)),
          "callee",
          Map.of("features", Map.of("pattern_based_registration", true)));

  final Router router = new Router(config());
  final Peer callee;
  final List<Peer> bystanders = new ArrayList<>();

  /**
   * The well-behaved sessions' IDs (session, registration, subscriptions), which attackers get to
   * use in their messages: knowing them must not let an attacker reach those sessions.
   */
  final List<Long> wellBehavedIds = new ArrayList<>();

  private long probes;

  Arena() {
    callee = join("callee", Serializer.MSGPACK);
    callee.send(new Register(callee.nextRequest(), Map.of(), PROCEDURE));
    wellBehavedIds.add(expect(callee, Registered.class).registration());
    for (Serializer serializer : Serializer.values()) {
      Peer bystander = join("bystander", serializer);
      bystander.send(new Subscribe(bystander.nextRequest(), Map.of(), TOPIC));
      wellBehavedIds.add(expect(bystander, Subscribed.class).subscription());
      bystanders.add(bystander);
    }
    // Pattern subscriptions too: publications take the broker's matching paths, and their events
    // carry the topic, which the router encodes anew for each serializer.
    subscribe(bystanders.get(0), "wildcard", "com..topic");
    subscribe(bystanders.get(2), "prefix", "com.fuzz");
  }

  /**
   * An open realm whose only tight limit is on sessions per address: as many as attackers keep open
   * at once. A session the router still counts after it ended then locks the next attackers out,
   * and {@link #checkUnaffected()} notices after the input that left it behind.
   */
  private static RouterConfig config() {
    Limits d = Limits.DEFAULT;
    return RouterConfig.openRealm(REALM)
        .withLimits(
            new Limits(
                d.maxSessions(),
                Attack.MAX_OPEN,
                d.maxPendingCallsPerSession(),
                d.maxSubscriptionsPerSession(),
                d.maxRegistrationsPerSession(),
                d.helloTimeout(),
                d.authFailureDelay(),
                d.authFailureMaxDelay()));
  }

  private void subscribe(Peer bystander, String match, String pattern) {
    bystander.send(new Subscribe(bystander.nextRequest(), Map.of("match", match), pattern));
    wellBehavedIds.add(expect(bystander, Subscribed.class).subscription());
  }

  private Peer join(String name, Serializer serializer) {
    Peer peer = new Peer(name, router, serializer, WELL_BEHAVED);
    peer.send(new Hello(REALM, Map.of("roles", ROLES)));
    wellBehavedIds.add(expect(peer, Welcome.class).session());
    return peer;
  }

  int wellBehavedSessions() {
    return 1 + bystanders.size();
  }

  /**
   * Lets the well-behaved sessions answer what they were sent: the callee yields every invocation
   * at once; bystanders only ever get events while attackers act, and anything else means an
   * attacker reached them.
   */
  void pump() {
    answerInvocations();
    WampMessage m;
    for (Peer bystander : bystanders) {
      while ((m = bystander.poll()) != null) {
        if (!(m instanceof Event)) {
          fail("%s got %s from an attacker", bystander, m);
        }
      }
    }
  }

  private void answerInvocations() {
    WampMessage m;
    while ((m = callee.poll()) != null) {
      if (m instanceof Invocation inv) {
        callee.send(new Yield(inv.request(), Map.of(), inv.arguments(), inv.argumentsKw()));
      } else {
        fail("the callee got %s from an attacker", m);
      }
    }
  }

  /**
   * With every attacker gone, the router holds nothing of them, and the well-behaved sessions still
   * call and get results, publish and get events, as before.
   */
  void checkUnaffected() {
    pump();
    assertThat(router.sessionCount())
        .as("sessions once every attacker has disconnected")
        .isEqualTo(wellBehavedSessions());
    checkNewcomersJoin();
    for (Peer bystander : bystanders) {
      assertThat(bystander.isClosed()).as("%s closed", bystander).isFalse();
      long probe = ++probes;
      long request = bystander.nextRequest();
      bystander.send(new Call(request, Map.of(), PROCEDURE, List.of("probe", probe), Map.of()));
      answerInvocations();
      Result result = expect(bystander, Result.class);
      assertThat(result.request()).as("%s: RESULT request", bystander).isEqualTo(request);
      assertThat(result.arguments())
          .as("%s: RESULT args", bystander)
          .containsExactly("probe", probe);
    }
    long probe = ++probes;
    long request = callee.nextRequest();
    callee.send(
        new Publish(
            request, Map.of("acknowledge", true), TOPIC, List.of("event", probe), Map.of()));
    assertThat(expect(callee, Published.class).request()).isEqualTo(request);
    for (Peer bystander : bystanders) {
      Event event = expect(bystander, Event.class);
      assertThat(event.arguments()).as("%s: EVENT args", bystander).containsExactly("event", probe);
    }
    // The copies for pattern subscriptions.
    pump();
  }

  /** As many clients as attackers may have at once join from the attackers' address, and leave. */
  private void checkNewcomersJoin() {
    List<Peer> newcomers = new ArrayList<>();
    for (int i = 0; i < Attack.MAX_OPEN; i++) {
      Peer newcomer = new Peer("newcomer", router, Serializer.JSON, ATTACKERS);
      newcomer.send(new Hello(REALM, Map.of("roles", ROLES)));
      expect(newcomer, Welcome.class);
      newcomers.add(newcomer);
    }
    newcomers.forEach(n -> n.transport.disconnect());
  }

  /** The next message to {@code peer}, which must be a {@code type}, skipping stray events. */
  private static <T extends WampMessage> T expect(Peer peer, Class<T> type) {
    WampMessage m;
    while ((m = peer.poll()) != null) {
      if (type.isInstance(m)) {
        return type.cast(m);
      }
      if (!(m instanceof Event)) {
        break;
      }
    }
    return fail("%s expected %s, got %s", peer, type.getSimpleName(), m);
  }
}
