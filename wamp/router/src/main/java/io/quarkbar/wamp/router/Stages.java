package io.quarkbar.wamp.router;

import java.util.concurrent.CompletionException;

/** What the router's asynchronous steps ({@code CompletionStage}s) need besides the JDK. */
public final class Stages {

  private Stages() {}

  /**
   * The failure a stage completed with, without the {@link CompletionException} that wraps it once
   * it has passed through a dependent stage.
   */
  public static Throwable cause(Throwable failure) {
    return failure instanceof CompletionException && failure.getCause() != null
        ? failure.getCause()
        : failure;
  }
}
