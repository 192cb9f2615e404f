package io.quarkbar.interop.peer;

/** A check's own verdict, as opposed to an exception from inside Autobahn|Java. */
final class CheckFailure extends RuntimeException {

  CheckFailure(String message) {
    super(message);
  }
}
