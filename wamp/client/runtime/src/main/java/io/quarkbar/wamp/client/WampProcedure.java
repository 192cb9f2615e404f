package io.quarkbar.wamp.client;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Registers the method as a WAMP procedure, in every session of its connection. Positional
 * arguments fill the parameters in order; keyword arguments fill those left by name (or a single
 * record parameter as a whole); an {@link InvocationDetails} parameter gets the call's details. The
 * return value is the result: a value, {@code void}, {@code Optional}, or a {@code Uni} or {@code
 * CompletionStage} of one; a {@code Multi} sends progressive results.
 *
 * <p>Where it runs: a method returning {@code Uni}, {@code CompletionStage} or {@code Multi} on the
 * connection's event loop; {@code @RunOnVirtualThread} on a virtual thread; any other (plain,
 * {@code @Blocking}, {@code @Transactional}) on a worker thread.
 */
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.METHOD)
public @interface WampProcedure {

  /** The procedure's URI (or pattern, with {@link #match()}). */
  String value();

  /** How {@link #value()} matches: {@code exact}, {@code prefix} or {@code wildcard}. */
  String match() default "exact";

  /**
   * How calls are shared when several callees register the URI: {@code single} (the only one),
   * {@code roundrobin}, {@code random}, {@code first} or {@code last}.
   */
  String invoke() default "single";

  /** Asks the router to tell who calls ({@link InvocationDetails#caller()} and its authid). */
  boolean discloseCaller() default false;

  /** The named connection ({@code quarkbar.wamp.connections.<name>}); empty: the default one. */
  String connection() default "";
}
