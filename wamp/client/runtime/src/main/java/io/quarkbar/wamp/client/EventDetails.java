package io.quarkbar.wamp.client;

import java.util.Map;

/**
 * What the router tells a subscriber about an event.
 *
 * @param topic the topic published to (for a pattern subscription, the concrete one)
 * @param publication the publication's ID
 * @param publisher the publisher's session ID, when disclosed; else 0
 * @param publisherAuthid the publisher's authid, when disclosed
 * @param publisherAuthrole the publisher's authrole, when disclosed
 * @param details EVENT.Details as they came
 */
public record EventDetails(
    String topic,
    long publication,
    long publisher,
    String publisherAuthid,
    String publisherAuthrole,
    Map<String, Object> details) {}
