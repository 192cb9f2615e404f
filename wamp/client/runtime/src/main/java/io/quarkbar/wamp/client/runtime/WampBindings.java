package io.quarkbar.wamp.client.runtime;

import jakarta.enterprise.invoke.Invoker;
import java.util.List;

/**
 * The {@code @WampProcedure} and {@code @WampSubscribe} methods the build found, each with the
 * invoker ArC generated for it: no reflection finds or calls them at run time. Set by {@link
 * WampClientRecorder} at run-time init, before any bean is created.
 */
public final class WampBindings {

  /** One method and its invoker. */
  public record Binding(MethodMetadata method, Invoker<Object, Object> invoker) {}

  private static volatile List<Binding> bindings = List.of();

  private WampBindings() {}

  static void set(List<Binding> found) {
    bindings = List.copyOf(found);
  }

  static List<Binding> all() {
    return bindings;
  }
}
