package io.quarkbar.interop.peer;

import java.util.List;
import java.util.Map;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/** Events of one subscription, so a check can wait for the next one or assert that none came. */
final class Inbox {

  record Received(List<Object> args, Map<String, Object> kwargs) {}

  private final LinkedBlockingQueue<Received> events = new LinkedBlockingQueue<>();

  void push(List<Object> args, Map<String, Object> kwargs) {
    events.add(new Received(args == null ? List.of() : args, kwargs == null ? Map.of() : kwargs));
  }

  Received next(String what) throws InterruptedException {
    Received event = events.poll(AutobahnJavaScenario.STEP_TIMEOUT_MS, TimeUnit.MILLISECONDS);
    if (event == null) {
      throw new CheckFailure(
          "timed out after " + AutobahnJavaScenario.STEP_TIMEOUT_MS + " ms waiting for " + what);
    }
    return event;
  }

  void expectNone(String who) throws InterruptedException {
    Thread.sleep(AutobahnJavaScenario.GRACE_MS);
    if (!events.isEmpty()) {
      throw new CheckFailure(who + " received " + events);
    }
  }
}
