package io.quarkbar.wamp.client.runtime;

import java.util.Map;

/**
 * How the client takes part in traces: the trace context goes out as {@code _traceparent} and
 * {@code _tracestate} in CALL and PUBLISH options, and the handler of an INVOCATION or EVENT runs
 * in a span that continues the context the router passed on, so one trace runs from a caller
 * through the router and a service into its database. OpenTelemetry's when the application has it
 * ({@link OpenTelemetryClientTracing}), else nothing.
 */
interface ClientTracing {

  /** The span of an outgoing call or publication, until its answer (or its sending). */
  Outgoing call(String procedure, Map<String, Object> options);

  /** As {@link #call}, for a publication. */
  Outgoing publish(String topic, Map<String, Object> options);

  /** The span of handling an INVOCATION, the child of the context in its details. */
  Handling invocation(String procedure, Map<String, Object> details);

  /** The span of handling an EVENT, the child of the context in its details. */
  Handling event(String topic, Map<String, Object> details);

  /** An outgoing message's span, whose context was put in its options. */
  interface Outgoing {
    void end(Throwable error);
  }

  /** A handler's span: current on the handler's thread while {@link #enter} is open. */
  interface Handling {
    Scope enter();

    void end(Throwable error);
  }

  /** Closes what {@link Handling#enter} opened. */
  interface Scope extends AutoCloseable {
    @Override
    void close();
  }

  Outgoing NO_OUTGOING = error -> {};
  Scope NO_SCOPE = () -> {};
  Handling NO_HANDLING =
      new Handling() {
        @Override
        public Scope enter() {
          return NO_SCOPE;
        }

        @Override
        public void end(Throwable error) {}
      };

  ClientTracing NONE =
      new ClientTracing() {
        @Override
        public Outgoing call(String procedure, Map<String, Object> options) {
          return NO_OUTGOING;
        }

        @Override
        public Outgoing publish(String topic, Map<String, Object> options) {
          return NO_OUTGOING;
        }

        @Override
        public Handling invocation(String procedure, Map<String, Object> details) {
          return NO_HANDLING;
        }

        @Override
        public Handling event(String topic, Map<String, Object> details) {
          return NO_HANDLING;
        }
      };
}
