package io.quarkbar.wamp.client.it;

/** A post as the service returns it. */
public record Post(long id, String title, String body) {}
