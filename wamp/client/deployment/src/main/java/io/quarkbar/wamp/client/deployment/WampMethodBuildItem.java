package io.quarkbar.wamp.client.deployment;

import io.quarkbar.wamp.client.runtime.MethodMetadata;
import io.quarkus.arc.processor.InvokerInfo;
import io.quarkus.builder.item.MultiBuildItem;

/** One {@code @WampProcedure} or {@code @WampSubscribe} method, with its generated invoker. */
public final class WampMethodBuildItem extends MultiBuildItem {

  private final MethodMetadata metadata;
  private final InvokerInfo invoker;

  public WampMethodBuildItem(MethodMetadata metadata, InvokerInfo invoker) {
    this.metadata = metadata;
    this.invoker = invoker;
  }

  public MethodMetadata metadata() {
    return metadata;
  }

  public InvokerInfo invoker() {
    return invoker;
  }
}
