package io.quarkbar.auth.api;

/** What {@code forum.auth.authenticate} answers the router: the role and authid to grant. */
public record Identity(String role, String authid) {}
