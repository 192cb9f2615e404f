package io.quarkbar.forum.service;

import io.quarkbar.wamp.client.WampException;

/** {@code forum.error.not_found}: no thread or post with the ID asked for. */
public class NotFoundException extends WampException {

  public static final String URI = "forum.error.not_found";

  private NotFoundException(String message) {
    super(URI, message);
  }

  static NotFoundException thread(long id) {
    return new NotFoundException("There is no thread " + id + ".");
  }

  static NotFoundException post(long id) {
    return new NotFoundException("There is no post " + id + ".");
  }
}
