package io.quarkbar.wamp.router.broker;

import java.util.List;
import java.util.Map;

/**
 * A publication as it travels between router nodes: what the subscribers' brokers need to deliver
 * it as the publisher's own node does.
 *
 * @param publication the publication ID the publisher's node drew (global scope)
 * @param publisher the publisher's session ID, for {@code exclude_me}; 0 for the router's own
 *     events
 * @param disclosure the publisher's identity as EVENT.Details carries it when disclosed, else empty
 * @param topic the topic as published (never a pattern)
 * @param options PUBLISH.Options: exclusion and eligibility lists, passthru, trace context
 * @param fromRouter whether the router itself published it (a meta event, only for {@code wamp.}
 *     subscriptions)
 */
public record SharedPublication(
    long publication,
    long publisher,
    Map<String, Object> disclosure,
    String topic,
    Map<String, Object> options,
    List<Object> args,
    Map<String, Object> kwargs,
    boolean fromRouter) {}
