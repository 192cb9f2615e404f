package io.quarkbar.wamp.router.config;

import java.time.Duration;

/**
 * A procedure the router calls to decide something it has no static rule for: a dynamic
 * authenticator or authorizer.
 *
 * @param procedure the procedure's URI
 * @param realm the realm it is registered in (the same realm or another one)
 * @param timeout how long the router waits for its answer before it fails secure
 */
public record DynamicProcedure(String procedure, String realm, Duration timeout) {}
