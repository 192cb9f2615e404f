package io.quarkbar.wamp.router.dealer;

import java.util.Locale;

/**
 * How a registration shared by several callees picks one for a call (shared registration): the
 * first callee to register a URI chooses, and every later callee must choose the same.
 */
public enum InvokePolicy {
  /** One callee only; a second REGISTER is refused. */
  SINGLE,
  /** The callees in turn, in the order they registered. */
  ROUNDROBIN,
  /** A callee at random. */
  RANDOM,
  /** The callee that registered first (hot standby: the others wait). */
  FIRST,
  /** The callee that registered last. */
  LAST;

  /** The policy of a REGISTER's {@code invoke} option; absent means single. */
  static InvokePolicy fromWamp(Object invoke) {
    return invoke == null ? SINGLE : valueOf(invoke.toString().toUpperCase(Locale.ROOT));
  }

  public String wampName() {
    return name().toLowerCase(Locale.ROOT);
  }
}
