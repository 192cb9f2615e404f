package io.quarkbar.forum.api;

/** The URIs forum-service serves and publishes, as docs/api.md names them. */
public final class ForumUris {

  private ForumUris() {}

  public static final String THREAD_LIST = "forum.thread.list";
  public static final String THREAD_GET = "forum.thread.get";
  public static final String THREAD_CREATE = "forum.thread.create";
  public static final String POST_CREATE = "forum.post.create";
  public static final String POST_EDIT = "forum.post.edit";
  public static final String POST_DELETE = "forum.post.delete";

  public static final String THREAD_ON_CREATE = "forum.thread.on_create";
  public static final String THREAD_ON_DELETE = "forum.thread.on_delete";
  public static final String POST_ON_CREATE = "forum.post.on_create";
  public static final String POST_ON_UPDATE = "forum.post.on_update";
  public static final String POST_ON_DELETE = "forum.post.on_delete";
}
