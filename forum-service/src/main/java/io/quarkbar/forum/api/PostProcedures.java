package io.quarkbar.forum.api;

import io.quarkbar.forum.service.PostService;
import io.quarkbar.wamp.client.InvocationDetails;
import io.quarkbar.wamp.client.WampProcedure;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

/**
 * The {@code forum.post.*} procedures: writes in the caller's name. Plain methods, so each call
 * runs on a worker thread.
 */
@ApplicationScoped
public class PostProcedures {

  @Inject PostService posts;

  @WampProcedure(value = ForumUris.POST_CREATE, discloseCaller = true)
  public PostDto create(long threadId, String body, InvocationDetails call) {
    return PostDto.of(posts.create(Callers.author(call), threadId, body));
  }

  @WampProcedure(value = ForumUris.POST_EDIT, discloseCaller = true)
  public PostDto edit(long id, String body, InvocationDetails call) {
    return PostDto.of(posts.edit(Callers.author(call), id, body));
  }

  @WampProcedure(value = ForumUris.POST_DELETE, discloseCaller = true)
  public void delete(long id, InvocationDetails call) {
    posts.delete(Callers.author(call), id);
  }
}
