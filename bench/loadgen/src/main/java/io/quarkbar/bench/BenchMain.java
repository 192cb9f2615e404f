package io.quarkbar.bench;

import io.quarkbar.bench.inprocess.WampWorkProbe;
import io.quarkbar.bench.probe.Proc;
import io.quarkbar.bench.profile.JfrTopFrames;
import io.quarkbar.bench.report.Machine;
import io.quarkbar.bench.report.Report;
import io.quarkbar.bench.targets.TargetEnv;
import io.quarkbar.bench.targets.Targets;
import io.quarkbar.wamp.protocol.serialization.Serializer;
import java.io.File;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Runs the benchmark suite and writes results.json and results.md. bench/run.sh is the usual way
 * in; it builds what is needed, pins this JVM to one core and passes its options on.
 *
 * <pre>
 * --quick                 every scenario and target, tiny; exit status 1 on any error
 * --root DIR              the checkout (default: the working directory)
 * --out DIR               where results go (default: ROOT/bench/target/results)
 * --targets a,b           of quarkbar, jawampa, fox-wamp, raw-relay (default: all)
 * --scenarios a,b         of rpc-latency, rpc, rpc-rawsocket, rpc-paced, rpc-extension, fanout,
 *                         fanout-slow, sessions (default: all)
 * --serializers a,b       of json, msgpack, cbor (default: all a target speaks)
 * --reps N                measured runs per case
 * --router-cpus LIST      taskset -c LIST for the targets (default: 0 when taskset exists and
 *                         there are two CPUs or more); "none" leaves them unpinned
 * --event-loops N         event loops of quarkbar and the raw relay (default: their own, one
 *                         per CPU each may run on)
 * --profile               record quarkbar (and rpc-extension's callee) with JFR and summarize
 *                         their hottest frames
 * --jvm-options "A B"     more options for the JVM targets (quarkbar, jawampa, raw-relay), after
 *                         the defaults, e.g. "-XX:+PrintCompilation"
 * </pre>
 */
public final class BenchMain {

  private BenchMain() {}

  public static void main(String[] args) throws Exception {
    System.exit(run(args, System.out));
  }

  /** Runs the suite; returns the exit status (1: a case failed, or a quick run saw errors). */
  public static int run(String[] args, PrintStream log) throws Exception {
    Map<String, String> opts = parse(args);
    boolean quick = opts.containsKey("quick");
    SuiteConfig config = quick ? SuiteConfig.quickRun() : SuiteConfig.full();
    if (opts.containsKey("reps")) {
      config = config.withReps(Integer.parseInt(opts.get("reps")));
    }
    Path root = Path.of(opts.getOrDefault("root", ".")).toAbsolutePath().normalize();
    Path out = Path.of(opts.getOrDefault("out", root.resolve("bench/target/results").toString()));
    Path work = out.resolveSibling(out.getFileName() + "-work");
    Files.createDirectories(work);
    Optional<String> routerCpus = routerCpus(opts.get("router-cpus"));
    Path javaHome = Path.of(System.getProperty("java.home"));
    TargetEnv env =
        new TargetEnv(
            root,
            work,
            javaHome,
            absolute(opts.getOrDefault("classpath", System.getProperty("java.class.path"))),
            routerCpus,
            jvmOptions(opts.get("jvm-options")),
            eventLoops(opts.get("event-loops")),
            opts.containsKey("profile"));
    List<String> targets = list(opts.get("targets"), Targets.ALL);
    Set<String> scenarios = new LinkedHashSet<>(list(opts.get("scenarios"), List.of()));
    Set<Serializer> serializers = new LinkedHashSet<>();
    for (String s : list(opts.get("serializers"), List.of())) {
      serializers.add(Serializer.valueOf(s.toUpperCase(Locale.ROOT)));
    }

    Instant started = Instant.now();
    Map<String, Object> machine = Machine.describe(javaHome);
    log.printf("quarkbar bench%s: %s%n", quick ? " --quick" : "", machine);
    Suite suite = new Suite(config, env, targets, scenarios, serializers, log);
    List<CaseResult> results = suite.run();
    machine.put("loadAverageAtEnd", Proc.loadAverage());
    Map<String, Double> wampWork = wampWork(config, targets, scenarios, serializers, log);

    Map<String, Object> runInfo = new LinkedHashMap<>();
    runInfo.put("startedAt", started.toString());
    runInfo.put("durationSeconds", Duration.between(started, Instant.now()).toSeconds());
    runInfo.put("quick", quick);
    runInfo.put("machine", machine);
    runInfo.put("notes", notes(config, env, routerCpus));
    runInfo.put("config", config);
    runInfo.put("wampWorkUsPerCall", wampWork);
    Report report = new Report(results, runInfo, Suite.scenarios(config), config);
    report.write(out);
    log.printf("results: %s and %s%n", out.resolve("results.md"), out.resolve("results.json"));

    for (Path recording : suite.recordings()) {
      if (Files.exists(recording)) {
        Path summary =
            out.resolve(recording.getFileName().toString().replace(".jfr", "-top-frames.txt"));
        Files.writeString(summary, JfrTopFrames.summarize(recording, 40));
        log.printf("profile: %s%n", summary);
      }
    }

    boolean failed = results.stream().anyMatch(r -> r.failure().isPresent());
    boolean errors = results.stream().anyMatch(r -> r.errors() > 0 || r.extraSum("lost") > 0);
    if (failed || (quick && errors)) {
      log.println("FAILED: see the errors column of " + out.resolve("results.md"));
      return 1;
    }
    return 0;
  }

  /**
   * Router CPU per call without sockets ({@link WampWorkProbe}), per serializer, when quarkbar's
   * rpc runs: with the raw relay's CPU per call it splits quarkbar's into transport and WAMP work.
   * It runs here, after the targets have stopped, on the load generator's core.
   */
  private static Map<String, Double> wampWork(
      SuiteConfig config,
      List<String> targets,
      Set<String> scenarios,
      Set<Serializer> serializers,
      PrintStream log) {
    Map<String, Double> usPerCall = new LinkedHashMap<>();
    if (!targets.contains("quarkbar") || !(scenarios.isEmpty() || scenarios.contains("rpc"))) {
      return usPerCall;
    }
    for (Serializer s : Serializer.values()) {
      if (serializers.isEmpty() || serializers.contains(s)) {
        double ns =
            WampWorkProbe.nanosPerCall(
                s, config.quick() ? 20_000 : 300_000, config.quick() ? 1 : 5);
        String name = s.name().toLowerCase(Locale.ROOT);
        usPerCall.put(name, ns / 1000);
        log.printf(
            Locale.ROOT, "quarkbar  wamp-work    %-7s in-process %.2f µs/call%n", name, ns / 1000);
      }
    }
    return usPerCall;
  }

  private static List<String> notes(SuiteConfig config, TargetEnv env, Optional<String> cpus) {
    List<String> notes = new ArrayList<>();
    notes.add(
        cpus.map(
                c ->
                    "targets pinned with taskset -c "
                        + c
                        + "; the load generator runs on the"
                        + " other core(s) (bench/run.sh pins it with taskset -c 1)")
            .orElse("targets not pinned: the \"other load\" column is empty"));
    notes.add(
        "JVM targets run with "
            + String.join(" ", env.jvmOptions())
            + " on the harness' JDK; heap per session is the live heap after `jcmd PID GC.run`,"
            + " read from `jcmd PID GC.heap_info`");
    notes.add(
        "router CPU is utime+stime from /proc/PID/stat (CLK_TCK="
            + Proc.CLK_TCK
            + ") over the measured window, divided by the operations in it; \"router sys %\" is"
            + " the stime (kernel, mostly socket I/O) share of it");
    notes.add(
        "every target is started once and stays up (it is started again if it dies); each case"
            + " runs on every target in turn: "
            + config.warmupRuns()
            + " unmeasured warm-up run(s) of "
            + config.warmup().toMillis()
            + " ms each (before its first case, a target that just started gets "
            + config.freshWarmupRuns()
            + " runs of rpc at full load, so that its JIT compiler sees the busy paths), then "
            + config.reps()
            + " measured run(s) (fanout-slow: 1, sessions: "
            + (config.quick() ? 1 : 2)
            + "), one target at a time in alternating order (A B C, C B A, …), each once the"
            + " targets' CPU use has settled; tables show medians, ± is half the range of"
            + " throughput in % of the median");
    notes.add(
        "\"other load %\" is CPU that other processes took on the target's core during the"
            + " window (100 = a whole core): above a few %, the machine was shared and the figures"
            + " are noisy");
    notes.add(
        "raw-relay: no WAMP at all; it forwards each frame to the other members of a channel,"
            + " writing through router-service's own FrameWriter (batched flushes). An RPC through"
            + " it is 4 frames like a routed call, so compare frames/s; its sessions are bare"
            + " WebSocket upgrades");
    notes.add(
        "latencies are from writing the CALL to reading the RESULT; closed loop (a new call goes"
            + " out when one comes back) except in rpc-paced, which sends a 1 ms tick's calls at"
            + " once");
    notes.add(
        "saturated, a target's CPU per operation falls as each socket read and write carries more"
            + " frames, so a slower target can pay less per frame; rpc-paced compares at equal"
            + " load. rpc opens each callee and then its caller, one pair at a time, so that"
            + " Vert.x, which hands connections to its event loops in turn, places every pair the"
            + " same way in every run");
    return notes;
  }

  /**
   * Each target's own default unless told otherwise: router-service and the raw relay both run one
   * event loop per CPU they may use. {@code --event-loops 2} with one pinned core shows what
   * Vert.x's usual two per CPU does to them.
   */
  private static Optional<Integer> eventLoops(String option) {
    return option == null || "default".equals(option)
        ? Optional.empty()
        : Optional.of(Integer.parseInt(option));
  }

  private static Optional<String> routerCpus(String option) throws IOException {
    if ("none".equals(option)) {
      return Optional.empty();
    }
    if (option != null) {
      return Optional.of(option);
    }
    boolean taskset =
        Arrays.stream(System.getenv().getOrDefault("PATH", "").split(":"))
            .anyMatch(dir -> Files.isExecutable(Path.of(dir, "taskset")));
    long cpus =
        Files.readString(Path.of("/proc/cpuinfo"))
            .lines()
            .filter(l -> l.startsWith("processor"))
            .count();
    return taskset && cpus >= 2 ? Optional.of("0") : Optional.empty();
  }

  /** The classpath with every entry absolute: targets run in another working directory. */
  private static String absolute(String classpath) {
    return String.join(
        File.pathSeparator,
        Arrays.stream(classpath.split(File.pathSeparator))
            .map(e -> Path.of(e).toAbsolutePath().toString())
            .toList());
  }

  private static List<String> jvmOptions(String extra) {
    List<String> options = new ArrayList<>(TargetEnv.DEFAULT_JVM_OPTIONS);
    if (extra != null) {
      options.addAll(Arrays.stream(extra.trim().split("\\s+")).filter(o -> !o.isEmpty()).toList());
    }
    return options;
  }

  private static List<String> list(String csv, List<String> fallback) {
    if (csv == null || csv.isBlank()) {
      return fallback;
    }
    return Arrays.stream(csv.split(",")).map(String::trim).filter(s -> !s.isEmpty()).toList();
  }

  private static Map<String, String> parse(String[] args) {
    Map<String, String> opts = new LinkedHashMap<>();
    for (int i = 0; i < args.length; i++) {
      String a = args[i];
      if (!a.startsWith("--")) {
        throw new IllegalArgumentException("unexpected argument " + a);
      }
      String key = a.substring(2);
      if (key.equals("quick") || key.equals("profile")) {
        opts.put(key, "true");
      } else if (i + 1 < args.length) {
        opts.put(key, args[++i]);
      } else {
        throw new IllegalArgumentException(a + " needs a value");
      }
    }
    return opts;
  }
}
