package io.quarkbar.wamp.client.runtime;

import io.quarkbar.wamp.client.InvocationDetails;
import io.quarkbar.wamp.client.WampException;
import io.quarkbar.wamp.client.core.ClientSession;
import io.quarkbar.wamp.client.core.WampError;
import io.quarkbar.wamp.protocol.message.Invocation;
import io.quarkbar.wamp.protocol.uri.WampUris;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.subscription.Cancellable;
import jakarta.enterprise.invoke.Invoker;
import jakarta.validation.ConstraintViolation;
import jakarta.validation.ConstraintViolationException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Semaphore;
import org.jboss.logging.Logger;

/**
 * Serves one {@code @WampProcedure} method: maps the INVOCATION to its parameters, runs it where
 * its kind asks (event loop, worker, virtual thread), and answers with its result or error.
 * Blocking invocations in flight are bounded: beyond the bound, the caller gets {@code
 * wamp.error.unavailable} at once instead of a place in a queue.
 */
final class ProcedureHandler implements ClientSession.InvocationHandler {

  private static final Logger LOG = Logger.getLogger(ProcedureHandler.class);

  /** Autobahn's URI for a callee's unexpected failure; the caller learns nothing more. */
  static final String RUNTIME_ERROR = "wamp.error.runtime_error";

  private final MethodMetadata meta;
  private final Invoker<Object, Object> invoker;
  private final ArgumentMapper mapper;
  private final Execution execution;
  private final Semaphore blocking;
  private final int maxBlocking;
  private final ClientMetrics metrics;
  private final ClientTracing tracing;
  private final RequestScope requestScope;

  ProcedureHandler(
      MethodMetadata meta,
      Invoker<Object, Object> invoker,
      ArgumentMapper mapper,
      Execution execution,
      Semaphore blocking,
      int maxBlocking,
      ClientMetrics metrics,
      ClientTracing tracing,
      RequestScope requestScope) {
    this.tracing = tracing;
    this.requestScope = requestScope;
    this.meta = meta;
    this.invoker = invoker;
    this.mapper = mapper;
    this.execution = execution;
    this.blocking = blocking;
    this.maxBlocking = maxBlocking;
    this.metrics = metrics;
  }

  @Override
  public void invoke(Invocation invocation, ClientSession.Reply reply) {
    long start = System.nanoTime();
    Answer answer = new Answer(reply, start);
    if (meta.getExecution() == MethodMetadata.Execution.EVENT_LOOP) {
      run(invocation, answer, false);
      return;
    }
    if (!blocking.tryAcquire()) {
      answer.error(
          new WampException(
              WampUris.UNAVAILABLE,
              "the callee is busy: " + maxBlocking + " blocking calls are in progress; try again"));
      return;
    }
    execution.run(meta.getExecution(), () -> run(invocation, answer, true));
  }

  private void run(Invocation invocation, Answer answer, boolean holdsPermit) {
    answer.holdsPermit = holdsPermit;
    answer.span = tracing.invocation(details(invocation).procedure(), invocation.details());
    try (RequestScope.Entered request = requestScope.enter();
        ClientTracing.Scope scope = answer.span.enter()) {
      Object[] parameters =
          mapper.parameters(
              invocation.arguments(), invocation.argumentsKw(), details(invocation), null);
      Object out = invoker.invoke(null, parameters);
      switch (meta.getReturns()) {
        case VOID -> answer.result(List.of());
        case VALUE, OPTIONAL -> answer.result(mapper.result(out));
        case UNI -> answer.await((Uni<?>) out);
        case COMPLETION_STAGE -> answer.await((CompletionStage<?>) out);
        case MULTI -> answer.stream((Multi<?>) out, isProgressive(invocation));
      }
    } catch (Throwable e) {
      answer.error(e);
    }
  }

  private static boolean isProgressive(Invocation invocation) {
    return Boolean.TRUE.equals(invocation.details().get("receive_progress"));
  }

  private InvocationDetails details(Invocation invocation) {
    Map<String, Object> d = invocation.details();
    return new InvocationDetails(
        d.get("procedure") instanceof String p ? p : meta.getUri(),
        d.get("caller") instanceof Number n ? n.longValue() : 0,
        d.get("caller_authid") instanceof String s ? s : null,
        d.get("caller_authrole") instanceof String s ? s : null,
        isProgressive(invocation),
        d);
  }

  /** How one invocation is answered, once, releasing what it held. */
  private final class Answer {
    private final ClientSession.Reply reply;
    private final long start;
    private volatile boolean holdsPermit;
    private volatile ClientTracing.Handling span = ClientTracing.NO_HANDLING;

    Answer(ClientSession.Reply reply, long start) {
      this.reply = reply;
      this.start = start;
    }

    void result(List<Object> args) {
      reply.result(args, Map.of());
      done(null);
    }

    void await(CompletionStage<?> stage) {
      stage.whenComplete(
          (v, e) -> {
            if (e != null) {
              error(e);
            } else {
              result(mapper.result(v));
            }
          });
      reply.onInterrupt(() -> stage.toCompletableFuture().cancel(false));
    }

    void await(Uni<?> uni) {
      Cancellable subscription = uni.subscribe().with(v -> result(mapper.result(v)), this::error);
      reply.onInterrupt(subscription::cancel);
    }

    void stream(Multi<?> multi, boolean progressive) {
      List<Object> collected = new ArrayList<>();
      Cancellable subscription =
          multi
              .subscribe()
              .with(
                  item -> {
                    if (progressive) {
                      reply.progress(mapper.result(item), Map.of());
                    } else {
                      collected.add(mapper.plain(item));
                    }
                  },
                  this::error,
                  () -> result(progressive ? List.of() : List.of(collected)));
      reply.onInterrupt(subscription::cancel);
    }

    void error(Throwable failure) {
      Throwable e =
          failure instanceof CompletionException && failure.getCause() != null
              ? failure.getCause()
              : failure;
      switch (e) {
        case WampException w -> reply.error(w.uri(), w.args(), w.kwargs());
        case WampError w -> reply.error(w.uri(), w.args(), w.kwargs());
        case ConstraintViolationException v -> invalid(v);
        default -> {
          LOG.errorf(e, "%s failed on a call of %s", meta.getDescription(), meta.getUri());
          reply.error(
              RUNTIME_ERROR,
              List.of(
                  "the procedure " + meta.getUri() + " failed; the callee's log has the details"),
              Map.of());
        }
      }
      done(e);
    }

    /**
     * Bean Validation's verdict as {@code wamp.error.invalid_argument}: a sentence, and each
     * violation ({@code field}, {@code message}) in the keyword arguments.
     */
    private void invalid(ConstraintViolationException v) {
      List<Object> violations = new ArrayList<>();
      List<String> sentences = new ArrayList<>();
      for (ConstraintViolation<?> c : v.getConstraintViolations()) {
        String path = String.valueOf(c.getPropertyPath());
        // "login.username" -> "username": the method's name says nothing to the caller.
        String field = path.contains(".") ? path.substring(path.indexOf('.') + 1) : path;
        Map<String, Object> one = new LinkedHashMap<>();
        one.put("field", field);
        one.put("message", c.getMessage());
        violations.add(one);
        sentences.add(field + " " + c.getMessage());
      }
      sentences.sort(null);
      reply.error(
          WampUris.INVALID_ARGUMENT,
          List.of(String.join("; ", sentences)),
          Map.of("violations", violations));
    }

    private void done(Throwable error) {
      if (holdsPermit) {
        holdsPermit = false;
        blocking.release();
      }
      metrics.invocation(meta.getUri(), System.nanoTime() - start, error);
      span.end(error);
    }
  }
}
