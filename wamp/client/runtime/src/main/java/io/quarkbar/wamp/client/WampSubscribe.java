package io.quarkbar.wamp.client;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Subscribes the method to a WAMP topic, in every session of its connection. The event's arguments
 * fill the parameters as a procedure's do ({@link WampProcedure}); an {@link EventDetails}
 * parameter gets the event's details. Events of one subscription are handled one at a time, in the
 * order they arrive, on the thread the method's kind asks for (as for procedures).
 */
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.METHOD)
public @interface WampSubscribe {

  /** The topic's URI (or pattern, with {@link #match()}). */
  String value();

  /** How {@link #value()} matches: {@code exact}, {@code prefix} or {@code wildcard}. */
  String match() default "exact";

  /** The named connection ({@code quarkbar.wamp.connections.<name>}); empty: the default one. */
  String connection() default "";
}
