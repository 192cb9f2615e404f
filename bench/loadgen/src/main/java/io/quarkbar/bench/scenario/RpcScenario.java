package io.quarkbar.bench.scenario;

import io.netty.buffer.ByteBuf;
import io.quarkbar.bench.SuiteConfig;
import io.quarkbar.bench.client.Peer;
import io.quarkbar.bench.client.Template;
import io.quarkbar.bench.client.Wire;
import io.quarkbar.bench.targets.Target;
import io.quarkbar.bench.targets.Targets;
import io.quarkbar.wamp.protocol.message.Call;
import io.quarkbar.wamp.protocol.message.Error;
import io.quarkbar.wamp.protocol.message.Invocation;
import io.quarkbar.wamp.protocol.message.Result;
import io.quarkbar.wamp.protocol.message.Yield;
import io.quarkbar.wamp.protocol.serialization.Serializer;
import io.vertx.core.Future;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;
import org.HdrHistogram.Histogram;

/**
 * Closed-loop RPC: C caller sessions keep W calls in flight each; caller i calls {@code
 * bench.rpc.i}, registered by callee i, which answers every INVOCATION with a YIELD of the same
 * arguments. A call is four frames through the router (CALL in, INVOCATION out, YIELD in, RESULT
 * out), and four through the raw relay too (the CALL forwarded to the callee, the YIELD forwarded
 * back). With C = W = 1 it measures the round trip of one call at a time ({@code rpc-latency}).
 * Latency is from writing the CALL to reading its RESULT, closed loop.
 */
public final class RpcScenario implements Scenario {

  static final List<Object> ARGS = List.of("bench-payload-0123456789", 42, true);
  private static final int FRAMES_PER_CALL = 4;

  private static final Duration PACING_TICK = Duration.ofMillis(1);

  private final String name;
  private final int callers;
  private final int window;
  private final int rate;
  private final Duration duration;
  private final SuiteConfig config;

  /** rpc-rawsocket: each case twice, over WebSocket and then over RawSocket. */
  private final boolean rawSocket;

  private RpcScenario(
      String name,
      int callers,
      int window,
      int rate,
      Duration duration,
      SuiteConfig config,
      boolean rawSocket) {
    this.name = name;
    this.callers = callers;
    this.window = window;
    this.rate = rate;
    this.duration = duration;
    this.config = config;
    this.rawSocket = rawSocket;
  }

  private RpcScenario(
      String name, int callers, int window, int rate, Duration duration, SuiteConfig config) {
    this(name, callers, window, rate, duration, config, false);
  }

  /** Throughput: many calls in flight, a new one as soon as one returns. */
  public static RpcScenario throughput(SuiteConfig config) {
    return new RpcScenario("rpc", config.rpcCallers(), config.rpcWindow(), 0, config.rpc(), config);
  }

  /** The end of the variant of an rpc-rawsocket case whose peers use RawSocket. */
  public static final String OVER_RAWSOCKET = "rawsocket";

  /** The end of the variant of an rpc-rawsocket case whose peers use WebSocket. */
  public static final String OVER_WEBSOCKET = "websocket";

  /**
   * {@link #throughput} over RawSocket (TCP, a 4-byte length prefix per message) next to the same
   * load over WebSocket, on the targets that serve RawSocket ({@link Targets#RAW_SOCKET}): for each
   * serializer a WebSocket case and right after it a RawSocket case, so that the two rows of a
   * serializer were measured seconds apart, not minutes (the machine drifts in between).
   */
  public static RpcScenario rawSocket(SuiteConfig config) {
    return new RpcScenario(
        "rpc-rawsocket", config.rpcCallers(), config.rpcWindow(), 0, config.rpc(), config, true);
  }

  /**
   * A fixed rate that every target sustains, so that CPU per call compares at equal load: at
   * saturation a router's cost per call depends on how many frames each read and write system call
   * carries, which depends on how fast it is.
   */
  public static RpcScenario paced(SuiteConfig config) {
    return new RpcScenario(
        "rpc-paced",
        config.rpcCallers(),
        config.rpcWindow(),
        config.pacedRate(),
        config.rpc(),
        config);
  }

  /** One caller, one call at a time. */
  public static RpcScenario latency(SuiteConfig config) {
    return new RpcScenario("rpc-latency", 1, 1, 0, config.latency(), config);
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public String unit() {
    return "calls";
  }

  @Override
  public String description() {
    if (rawSocket) {
      return "the rpc load ("
          + callers
          + " callers with "
          + window
          + " calls in flight each, caller i to its own callee i) with every session over"
          + " RawSocket (TCP), each right after the same load over WebSocket for comparison; only"
          + " the targets that serve RawSocket";
    }
    if (rate > 0) {
      return String.format(
          Locale.ROOT,
          "%,d calls/s spread over %d callers, caller i to its own callee i; latency at that load;"
              + " calls that find all %d slots of their caller busy are counted as skipped",
          rate,
          callers,
          window);
    }
    return callers == 1 && window == 1
        ? "one caller, one call at a time, to one callee that yields the call's arguments;"
            + " latency is the round trip"
        : callers
            + " callers with "
            + window
            + " calls in flight each, caller i to its own callee i, which yields the call's"
            + " arguments; errors are ERROR replies, calls unanswered after the run, lost sessions";
  }

  @Override
  public boolean runsOn(String target) {
    return !rawSocket || Targets.RAW_SOCKET.contains(target);
  }

  @Override
  public List<Case> cases(Target target) {
    if (!runsOn(target.name())) {
      return List.of();
    }
    // Throughput runs every serializer (the relay, which does not decode, all the same: for a
    // per-serializer ratio). A round trip is mostly the two WebSocket hops, whatever the
    // serializer, and a fixed rate compares CPU per call: JSON alone for both.
    boolean oneIsEnough = rate > 0 || (callers == 1 && window == 1);
    String variant =
        rate > 0
            ? String.format(Locale.ROOT, "%,d/s C=%d", rate, callers)
            : "C=" + callers + " W=" + window;
    if (rawSocket) {
      return target.serializers().stream()
          .flatMap(
              s ->
                  Stream.of(
                      new Case(s, variant + " " + OVER_WEBSOCKET, callers),
                      new Case(s, variant + " " + OVER_RAWSOCKET, callers)))
          .toList();
    }
    return target.serializers().stream()
        .filter(s -> !oneIsEnough || s == Serializer.JSON)
        .map(s -> new Case(s, variant, callers))
        .toList();
  }

  @Override
  public int reps() {
    return config.reps();
  }

  @Override
  public Sample run(Case c, Harness h, boolean warmup) throws Exception {
    Serializer s = c.serializer();
    boolean overRawSocket = c.variant().endsWith(OVER_RAWSOCKET);
    State state = new State();
    List<Peer> peers = new ArrayList<>();
    try {
      Template yield = Template.of(s, id -> new Yield(id, Map.of(), ARGS, Map.of()));
      List<Peer> callees = new ArrayList<>();
      List<Caller> callerList = new ArrayList<>();
      // One pair at a time, callee then caller, so that a router handing connections to its event
      // loops in turn (Vert.x does, round-robin) places every pair the same way in every run;
      // concurrent handshakes would place them by chance, and a call within one event loop costs
      // a Vert.x router other CPU than a call between two.
      for (int i = 0; i < callers; i++) {
        String procedure = "bench.rpc." + i;
        Peer callee = h.await(join(h, s, procedure, overRawSocket));
        peers.add(callee);
        h.await(h.connector().register(callee, procedure));
        Peer caller = h.await(join(h, s, procedure, overRawSocket));
        peers.add(caller);
        callees.add(callee);
        Template call = Template.of(s, id -> new Call(id, Map.of(), procedure, ARGS, Map.of()));
        callerList.add(new Caller(caller, call, window, state));
      }
      h.onLoop(
          () -> {
            for (Peer p : peers) {
              p.onLost(() -> state.errors++);
            }
            for (Peer callee : callees) {
              callee.onMessage(m -> answer(callee, yield, m, state));
            }
            for (Caller caller : callerList) {
              caller.start(rate == 0);
            }
          });
      long pacer = rate > 0 ? h.periodic(PACING_TICK, new Pacer(callerList, rate)) : -1;

      h.sleep(config.ramp());
      h.onLoop(state::resetWindow);
      Harness.Window w = h.window();
      h.sleep(warmup ? config.warmup() : duration);
      long calls = h.onLoop(() -> state.completed);
      Histogram latency = h.onLoop(state.latency::copy);
      Usage usage = w.end();

      h.onLoop(() -> state.stopping = true);
      h.cancelPeriodic(pacer);
      h.awaitOnLoop(() -> state.outstanding == 0, config.drain());
      long unanswered = h.onLoop(() -> state.outstanding);
      long errors = h.onLoop(() -> state.errors) + unanswered;
      Map<String, Double> extras = new LinkedHashMap<>();
      extras.put("unanswered", (double) unanswered);
      if (rate > 0) {
        extras.put("skipped", (double) h.onLoop(() -> state.skipped));
      }
      return h.sample(calls, calls * FRAMES_PER_CALL, errors, latency, usage, extras);
    } finally {
      h.closeAll(peers);
    }
  }

  private static Future<Peer> join(
      Harness h, Serializer s, String procedure, boolean overRawSocket) {
    return overRawSocket ? h.connector().joinRawSocket(s) : h.connector().join(s, procedure);
  }

  private static void answer(Peer callee, Template yield, ByteBuf m, State state) {
    Serializer s = callee.serializer();
    long type = Wire.intAt(s, m, 0);
    // Through the relay the callee sees the caller's CALL itself.
    if (type == Invocation.CODE || type == Call.CODE) {
      callee.send(yield, Wire.intAt(s, m, 1));
    } else {
      state.errors++;
    }
  }

  /** Counters of one run; event loop only. */
  static final class State {
    final Histogram latency = Harness.histogram();
    long completed;
    long outstanding;
    long errors;
    long skipped;
    boolean stopping;

    void resetWindow() {
      completed = 0;
      skipped = 0;
      latency.reset();
    }
  }

  /**
   * One caller session. Slot k of its window sends request IDs k+1, k+1+W, k+1+2W, ...: every ID is
   * new in the session, and an answer's ID names its slot. Closed loop, each slot sends again as
   * soon as its answer is in; paced, the {@link Pacer} takes a free slot per call.
   */
  static final class Caller {
    private final Peer peer;
    private final Template call;
    private final int window;
    private final State state;
    private final long[] sentAt;
    private final long[] nextId;
    private final int[] free;
    private int freeCount;
    private boolean closedLoop;

    Caller(Peer peer, Template call, int window, State state) {
      this.peer = peer;
      this.call = call;
      this.window = window;
      this.state = state;
      this.sentAt = new long[window];
      this.nextId = new long[window];
      this.free = new int[window];
    }

    void start(boolean closedLoop) {
      this.closedLoop = closedLoop;
      peer.onMessage(this::onReply);
      for (int slot = 0; slot < window; slot++) {
        nextId[slot] = slot + 1;
        if (closedLoop) {
          issue(slot);
        } else {
          free[freeCount++] = slot;
        }
      }
    }

    /** Sends one call if a slot is free (paced mode); counts it as skipped otherwise. */
    void offer() {
      if (freeCount == 0) {
        state.skipped++;
      } else {
        issue(free[--freeCount]);
      }
    }

    private void issue(int slot) {
      sentAt[slot] = System.nanoTime();
      state.outstanding++;
      peer.send(call, nextId[slot]);
      nextId[slot] += window;
    }

    private void onReply(ByteBuf m) {
      Serializer s = peer.serializer();
      long type = Wire.intAt(s, m, 0);
      long id;
      boolean ok;
      // Through the relay the caller gets the callee's YIELD itself.
      if (type == Result.CODE || type == Yield.CODE) {
        id = Wire.intAt(s, m, 1);
        ok = true;
      } else if (type == Error.CODE) {
        id = Wire.intAt(s, m, 2);
        ok = false;
      } else {
        state.errors++;
        return;
      }
      if (id < 1) {
        state.errors++;
        return;
      }
      int slot = (int) ((id - 1) % window);
      long sent = sentAt[slot];
      if (sent == 0) {
        state.errors++;
        return;
      }
      sentAt[slot] = 0;
      state.outstanding--;
      if (ok) {
        state.completed++;
        state.latency.recordValue(Math.min(System.nanoTime() - sent, Harness.MAX_LATENCY_NANOS));
      } else {
        state.errors++;
      }
      if (!closedLoop) {
        free[freeCount++] = slot;
      } else if (!state.stopping) {
        issue(slot);
      }
    }
  }

  /** Every tick, the calls due since the start at {@code rate}, to the callers in turn. */
  private static final class Pacer implements Runnable {
    private final List<Caller> callers;
    private final int rate;
    private final long start = System.nanoTime();
    private long sent;
    private int next;

    Pacer(List<Caller> callers, int rate) {
      this.callers = callers;
      this.rate = rate;
    }

    @Override
    public void run() {
      long due = (System.nanoTime() - start) * rate / 1_000_000_000L;
      // A tick that came late sends what is due, up to a second's worth, not a burst of backlog.
      for (long n = Math.min(due - sent, rate); n > 0; n--) {
        callers.get(next).offer();
        next = (next + 1) % callers.size();
      }
      sent = due;
    }
  }
}
