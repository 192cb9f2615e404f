package io.quarkbar.wamp.client.runtime;

/**
 * What the client measures: calls made, invocations and events handled, with their outcomes and
 * durations. Micrometer's when the application has it ({@link MicrometerClientMetrics}), else
 * nothing.
 */
interface ClientMetrics {

  void call(String procedure, long nanos, Throwable error);

  void invocation(String procedure, long nanos, Throwable error);

  void event(String topic, long nanos, Throwable error);

  void published(String topic);

  ClientMetrics NONE =
      new ClientMetrics() {
        @Override
        public void call(String procedure, long nanos, Throwable error) {}

        @Override
        public void invocation(String procedure, long nanos, Throwable error) {}

        @Override
        public void event(String topic, long nanos, Throwable error) {}

        @Override
        public void published(String topic) {}
      };
}
