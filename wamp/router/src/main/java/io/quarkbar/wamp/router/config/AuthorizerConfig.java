package io.quarkbar.wamp.router.config;

import java.time.Duration;

/**
 * A realm's dynamic authorizer: a procedure asked {@code (session, uri, action)} about actions that
 * no static permission of the session's role covers.
 *
 * @param procedure where the router asks, and how long it waits
 * @param cacheFor how long an answer is reused for the same session, URI and action; zero: never
 */
public record AuthorizerConfig(DynamicProcedure procedure, Duration cacheFor) {}
