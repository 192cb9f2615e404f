package io.quarkbar.wamp.client.it;

/** What a caller sends to create a post: keyword arguments {@code title} and {@code body}. */
public record NewPost(String title, String body) {}
