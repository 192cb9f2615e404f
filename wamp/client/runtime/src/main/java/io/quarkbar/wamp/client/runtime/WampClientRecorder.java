package io.quarkbar.wamp.client.runtime;

import io.quarkus.runtime.RuntimeValue;
import io.quarkus.runtime.annotations.Recorder;
import jakarta.enterprise.invoke.Invoker;
import java.util.ArrayList;
import java.util.List;

/** Carries what the build found into the running application. */
@Recorder
public class WampClientRecorder {

  /** Each method's metadata with an instance of the invoker ArC generated for it. */
  @SuppressWarnings("unchecked")
  public void bind(List<MethodMetadata> methods, List<RuntimeValue<Object>> invokers) {
    List<WampBindings.Binding> all = new ArrayList<>();
    for (int i = 0; i < methods.size(); i++) {
      all.add(
          new WampBindings.Binding(
              methods.get(i), (Invoker<Object, Object>) invokers.get(i).getValue()));
    }
    WampBindings.set(all);
  }
}
