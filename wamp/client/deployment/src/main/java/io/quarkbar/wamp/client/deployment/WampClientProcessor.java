package io.quarkbar.wamp.client.deployment;

import io.quarkbar.wamp.client.EventDetails;
import io.quarkbar.wamp.client.InvocationDetails;
import io.quarkbar.wamp.client.WampProcedure;
import io.quarkbar.wamp.client.WampSubscribe;
import io.quarkbar.wamp.client.deployment.devservices.EmbeddedRouter;
import io.quarkbar.wamp.client.runtime.MethodMetadata;
import io.quarkbar.wamp.client.runtime.MethodMetadata.Execution;
import io.quarkbar.wamp.client.runtime.MethodMetadata.ParameterKind;
import io.quarkbar.wamp.client.runtime.MethodMetadata.Returns;
import io.quarkbar.wamp.client.runtime.MicrometerMetricsProducer;
import io.quarkbar.wamp.client.runtime.OpenTelemetryTracingProducer;
import io.quarkbar.wamp.client.runtime.WampClientRecorder;
import io.quarkbar.wamp.client.runtime.WampClients;
import io.quarkbar.wamp.client.runtime.WampProducer;
import io.quarkbar.wamp.client.runtime.WampReadinessCheck;
import io.quarkus.arc.deployment.AdditionalBeanBuildItem;
import io.quarkus.arc.deployment.AutoAddScopeBuildItem;
import io.quarkus.arc.deployment.BeanRegistrationPhaseBuildItem;
import io.quarkus.arc.deployment.InvokerFactoryBuildItem;
import io.quarkus.arc.deployment.UnremovableBeanBuildItem;
import io.quarkus.arc.processor.AnnotationStore;
import io.quarkus.arc.processor.BeanInfo;
import io.quarkus.arc.processor.BuildExtension;
import io.quarkus.arc.processor.BuiltinScope;
import io.quarkus.arc.processor.InvokerInfo;
import io.quarkus.bootstrap.classloading.QuarkusClassLoader;
import io.quarkus.deployment.Capabilities;
import io.quarkus.deployment.Capability;
import io.quarkus.deployment.annotations.BuildProducer;
import io.quarkus.deployment.annotations.BuildStep;
import io.quarkus.deployment.annotations.ExecutionTime;
import io.quarkus.deployment.annotations.Record;
import io.quarkus.deployment.builditem.FeatureBuildItem;
import io.quarkus.deployment.builditem.RunTimeConfigurationDefaultBuildItem;
import io.quarkus.deployment.execannotations.ExecutionModelAnnotationsAllowedBuildItem;
import io.quarkus.deployment.recording.RecorderContext;
import io.quarkus.runtime.RuntimeValue;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.jboss.jandex.AnnotationInstance;
import org.jboss.jandex.AnnotationValue;
import org.jboss.jandex.DotName;
import org.jboss.jandex.MethodInfo;
import org.jboss.jandex.Type;

/**
 * Finds the {@code @WampProcedure} and {@code @WampSubscribe} methods of the application's beans at
 * build time, has ArC generate an invoker for each, and records what the runtime needs to serve
 * them: URI and options, where each runs, and the types of its parameters and result.
 */
public class WampClientProcessor {

  static final String FEATURE = "quarkbar-wamp-client";

  static final DotName PROCEDURE = DotName.createSimple(WampProcedure.class);
  static final DotName SUBSCRIBE = DotName.createSimple(WampSubscribe.class);
  static final DotName INVOCATION_DETAILS = DotName.createSimple(InvocationDetails.class);
  static final DotName EVENT_DETAILS = DotName.createSimple(EventDetails.class);

  static final DotName UNI = DotName.createSimple("io.smallrye.mutiny.Uni");
  static final DotName MULTI = DotName.createSimple("io.smallrye.mutiny.Multi");
  static final DotName COMPLETION_STAGE =
      DotName.createSimple("java.util.concurrent.CompletionStage");
  static final DotName COMPLETABLE_FUTURE =
      DotName.createSimple("java.util.concurrent.CompletableFuture");
  static final DotName OPTIONAL = DotName.createSimple("java.util.Optional");

  static final DotName BLOCKING = DotName.createSimple("io.smallrye.common.annotation.Blocking");
  static final DotName NON_BLOCKING =
      DotName.createSimple("io.smallrye.common.annotation.NonBlocking");
  static final DotName RUN_ON_VIRTUAL_THREAD =
      DotName.createSimple("io.smallrye.common.annotation.RunOnVirtualThread");
  static final DotName TRANSACTIONAL = DotName.createSimple("jakarta.transaction.Transactional");

  static final Set<String> MATCH = Set.of("exact", "prefix", "wildcard");
  static final Set<String> INVOKE = Set.of("single", "roundrobin", "random", "first", "last");

  @BuildStep
  FeatureBuildItem feature() {
    return new FeatureBuildItem(FEATURE);
  }

  /**
   * The largest message a connection takes from the router: by default the router's own limit
   * ({@code router.websocket.max-message-size}, 1 MiB) rather than Vert.x's 256 KiB, past which a
   * RESULT or an EVENT was dropped and its call waited for its timeout. The application's own value
   * of {@code quarkus.websockets-next.client.max-message-size} wins.
   */
  @BuildStep
  RunTimeConfigurationDefaultBuildItem maxMessageSize() {
    return new RunTimeConfigurationDefaultBuildItem(
        "quarkus.websockets-next.client.max-message-size",
        String.valueOf(EmbeddedRouter.MAX_MESSAGE_SIZE));
  }

  @BuildStep
  void beans(
      Capabilities capabilities,
      BuildProducer<AdditionalBeanBuildItem> beans,
      BuildProducer<AutoAddScopeBuildItem> scopes,
      BuildProducer<UnremovableBeanBuildItem> unremovable) {
    beans.produce(
        AdditionalBeanBuildItem.builder()
            .addBeanClasses(WampClients.class, WampProducer.class, WampReadinessCheck.class)
            .setUnremovable()
            .build());
    if (capabilities.isPresent(Capability.METRICS)
        && QuarkusClassLoader.isClassPresentAtRuntime(
            "io.micrometer.core.instrument.MeterRegistry")) {
      beans.produce(AdditionalBeanBuildItem.unremovableOf(MicrometerMetricsProducer.class));
    }
    if (capabilities.isPresent(Capability.OPENTELEMETRY_TRACER)) {
      beans.produce(AdditionalBeanBuildItem.unremovableOf(OpenTelemetryTracingProducer.class));
    }
    // A class with WAMP methods is a bean, a @Singleton unless it says otherwise.
    scopes.produce(
        AutoAddScopeBuildItem.builder()
            .containsAnnotations(PROCEDURE, SUBSCRIBE)
            .defaultScope(BuiltinScope.SINGLETON)
            .reason("it has @WampProcedure or @WampSubscribe methods")
            .build());
    unremovable.produce(
        new UnremovableBeanBuildItem(
            new UnremovableBeanBuildItem.BeanClassAnnotationExclusion(PROCEDURE)));
    unremovable.produce(
        new UnremovableBeanBuildItem(
            new UnremovableBeanBuildItem.BeanClassAnnotationExclusion(SUBSCRIBE)));
  }

  /**
   * {@code @Blocking}, {@code @NonBlocking} and {@code @RunOnVirtualThread} mean something here.
   */
  @BuildStep
  ExecutionModelAnnotationsAllowedBuildItem entrypoints() {
    return new ExecutionModelAnnotationsAllowedBuildItem(
        method ->
            method.hasDeclaredAnnotation(PROCEDURE) || method.hasDeclaredAnnotation(SUBSCRIBE));
  }

  @BuildStep
  void collect(
      BeanRegistrationPhaseBuildItem registration,
      InvokerFactoryBuildItem invokers,
      BuildProducer<WampMethodBuildItem> methods) {
    AnnotationStore annotations =
        registration.getContext().get(BuildExtension.Key.ANNOTATION_STORE);
    for (BeanInfo bean : registration.getContext().beans().classBeans()) {
      for (MethodInfo method : bean.getTarget().get().asClass().methods()) {
        if (method.isSynthetic()) {
          continue;
        }
        AnnotationInstance procedure = annotations.getAnnotation(method, PROCEDURE);
        AnnotationInstance subscribe = annotations.getAnnotation(method, SUBSCRIBE);
        if (procedure == null && subscribe == null) {
          continue;
        }
        if (procedure != null && subscribe != null) {
          throw new IllegalStateException(
              describe(method) + ": a method is a @WampProcedure or a @WampSubscribe, not both");
        }
        MethodMetadata meta =
            metadata(
                method, procedure != null ? procedure : subscribe, procedure != null, annotations);
        InvokerInfo invoker = invokers.createInvoker(bean, method).withInstanceLookup().build();
        methods.produce(new WampMethodBuildItem(meta, invoker));
      }
    }
  }

  @BuildStep
  @Record(ExecutionTime.RUNTIME_INIT)
  void bind(
      WampClientRecorder recorder,
      List<WampMethodBuildItem> methods,
      RecorderContext recorderContext) {
    List<MethodMetadata> metadata = new ArrayList<>();
    List<RuntimeValue<Object>> invokers = new ArrayList<>();
    for (WampMethodBuildItem m : methods) {
      metadata.add(m.metadata());
      invokers.add(recorderContext.newInstance(m.invoker().getClassName()));
    }
    recorder.bind(metadata, invokers);
  }

  static MethodMetadata metadata(
      MethodInfo method, AnnotationInstance annotation, boolean procedure, AnnotationStore store) {
    MethodMetadata meta = new MethodMetadata();
    meta.setProcedure(procedure);
    meta.setDescription(describe(method));
    meta.setUri(annotation.value().asString());
    meta.setMatch(option(method, annotation, "match", "exact", MATCH));
    if (procedure) {
      meta.setInvoke(option(method, annotation, "invoke", "single", INVOKE));
      AnnotationValue disclose = annotation.value("discloseCaller");
      meta.setDiscloseCaller(disclose != null && disclose.asBoolean());
    }
    AnnotationValue connection = annotation.value("connection");
    meta.setConnection(connection == null ? "" : connection.asString());
    returns(method, meta, procedure);
    meta.setExecution(execution(method, meta, store));
    List<String> names = new ArrayList<>();
    List<String> types = new ArrayList<>();
    List<ParameterKind> kinds = new ArrayList<>();
    for (int i = 0; i < method.parametersCount(); i++) {
      Type t = method.parameterType(i);
      String name = method.parameterName(i);
      names.add(name == null ? "arg" + i : name);
      types.add(TypeNames.canonical(t));
      if (t.name().equals(INVOCATION_DETAILS)) {
        if (!procedure) {
          throw new IllegalStateException(
              describe(method)
                  + ": InvocationDetails is for procedures; a subscriber takes EventDetails");
        }
        kinds.add(ParameterKind.INVOCATION_DETAILS);
      } else if (t.name().equals(EVENT_DETAILS)) {
        if (procedure) {
          throw new IllegalStateException(
              describe(method)
                  + ": EventDetails is for subscribers; a procedure takes InvocationDetails");
        }
        kinds.add(ParameterKind.EVENT_DETAILS);
      } else {
        kinds.add(ParameterKind.DATA);
      }
    }
    meta.setParameterNames(names);
    meta.setParameterTypes(types);
    meta.setParameterKinds(kinds);
    return meta;
  }

  private static String option(
      MethodInfo method,
      AnnotationInstance annotation,
      String key,
      String otherwise,
      Set<String> allowed) {
    AnnotationValue v = annotation.value(key);
    String value = v == null ? otherwise : v.asString();
    if (!allowed.contains(value)) {
      throw new IllegalStateException(
          describe(method) + ": " + key + " = \"" + value + "\" is not one of " + allowed);
    }
    return value;
  }

  private static void returns(MethodInfo method, MethodMetadata meta, boolean procedure) {
    Type r = method.returnType();
    DotName name = r.name();
    Returns kind;
    Type result = r;
    if (r.kind() == Type.Kind.VOID) {
      kind = Returns.VOID;
      result = null;
    } else if (name.equals(UNI)
        || name.equals(MULTI)
        || name.equals(COMPLETION_STAGE)
        || name.equals(COMPLETABLE_FUTURE)
        || name.equals(OPTIONAL)) {
      kind =
          name.equals(UNI)
              ? Returns.UNI
              : name.equals(MULTI)
                  ? Returns.MULTI
                  : name.equals(OPTIONAL) ? Returns.OPTIONAL : Returns.COMPLETION_STAGE;
      result =
          r.kind() == Type.Kind.PARAMETERIZED_TYPE
              ? r.asParameterizedType().arguments().getFirst()
              : null;
    } else {
      kind = Returns.VALUE;
    }
    if (!procedure && kind == Returns.MULTI) {
      throw new IllegalStateException(describe(method) + ": a subscriber cannot return a Multi");
    }
    meta.setReturns(kind);
    meta.setResultType(result == null ? "java.lang.Object" : TypeNames.canonical(result));
  }

  /**
   * Where the method runs, as websockets-next decides for its endpoints: {@code RunOnVirtualThread}
   * on a virtual thread; {@code Blocking} or {@code Transactional} on a worker; {@code NonBlocking}
   * or an asynchronous return type on the event loop; anything else on a worker.
   */
  private static Execution execution(
      MethodInfo method, MethodMetadata meta, AnnotationStore store) {
    if (has(store, method, RUN_ON_VIRTUAL_THREAD)) {
      return Execution.VIRTUAL_THREAD;
    }
    if (has(store, method, BLOCKING) || has(store, method, TRANSACTIONAL)) {
      return Execution.WORKER;
    }
    if (has(store, method, NON_BLOCKING)) {
      return Execution.EVENT_LOOP;
    }
    return switch (meta.getReturns()) {
      case UNI, MULTI, COMPLETION_STAGE -> Execution.EVENT_LOOP;
      default -> Execution.WORKER;
    };
  }

  private static boolean has(AnnotationStore store, MethodInfo method, DotName annotation) {
    return store.hasAnnotation(method, annotation)
        || store.hasAnnotation(method.declaringClass(), annotation);
  }

  static String describe(MethodInfo method) {
    return method.declaringClass().name().withoutPackagePrefix() + "#" + method.name();
  }
}
