package io.quarkbar.bench.targets;

import java.util.List;
import java.util.Set;

/** The targets by name. */
public final class Targets {

  /** Every target, in the order the suite runs them. */
  public static final List<String> ALL = List.of("quarkbar", "jawampa", "fox-wamp", "raw-relay");

  /** The targets that also serve WAMP over RawSocket ({@link Target#rawSocketPort()}). */
  public static final Set<String> RAW_SOCKET = Set.of("quarkbar");

  private Targets() {}

  public static Target create(String name, TargetEnv env) {
    return switch (name) {
      case "quarkbar" -> new QuarkbarTarget(env);
      case "jawampa" -> new JawampaTarget(env);
      case "fox-wamp" -> new FoxWampTarget(env);
      case "raw-relay" -> new RawRelayTarget(env);
      default -> throw new IllegalArgumentException("no target " + name + "; targets: " + ALL);
    };
  }
}
