package io.quarkbar.wamp.router.meta;

import io.quarkbar.wamp.protocol.message.Publish;
import java.util.ArrayList;
import java.util.List;

/**
 * The testaments one session has left (testament_meta_api): events the router publishes for it, as
 * if by it, when it leaves, {@code detached} ones before {@code destroyed} ones (the router has no
 * session resumption, so a session is detached and destroyed at once), each in the order they were
 * added.
 */
final class Testaments {

  /**
   * The most one session may leave, so that a session cannot make the router hold without bound.
   */
  static final int MAX = 100;

  private final List<Publish> detached = new ArrayList<>();
  private final List<Publish> destroyed = new ArrayList<>();

  synchronized boolean add(String scope, Publish testament) {
    if (detached.size() + destroyed.size() >= MAX) {
      return false;
    }
    (scope.equals("detached") ? detached : destroyed).add(testament);
    return true;
  }

  synchronized void flush(String scope) {
    (scope.equals("detached") ? detached : destroyed).clear();
  }

  /** Every testament, in the order the specification gives. */
  synchronized List<Publish> all() {
    List<Publish> all = new ArrayList<>(detached);
    all.addAll(destroyed);
    return all;
  }
}
