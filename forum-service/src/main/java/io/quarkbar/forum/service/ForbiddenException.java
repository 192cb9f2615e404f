package io.quarkbar.forum.service;

import io.quarkbar.wamp.client.WampException;

/** {@code forum.error.forbidden}: a change to someone else's post. */
public class ForbiddenException extends WampException {

  public static final String URI = "forum.error.forbidden";

  private ForbiddenException(String message) {
    super(URI, message);
  }

  static ForbiddenException notAuthor(long postId, String action) {
    return new ForbiddenException("Only its author may " + action + " post " + postId + ".");
  }
}
