package io.quarkbar.forum.api;

import io.quarkbar.forum.service.Page;
import io.quarkbar.forum.service.ThreadService;
import io.quarkbar.wamp.client.InvocationDetails;
import io.quarkbar.wamp.client.WampProcedure;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

/**
 * The {@code forum.thread.*} procedures. Plain methods, so each call runs on a worker thread (never
 * on the WAMP connection's event loop), and at most {@code quarkbar.wamp.max-concurrent-blocking}
 * run at once.
 */
@ApplicationScoped
public class ThreadProcedures {

  @Inject ThreadService threads;

  @WampProcedure(ForumUris.THREAD_LIST)
  public Page<ThreadDto> list(int page) {
    return threads.list(page).map(ThreadDto::of);
  }

  @WampProcedure(ForumUris.THREAD_GET)
  public ThreadWithPostsDto get(long id, int page) {
    return ThreadWithPostsDto.of(threads.get(id, page));
  }

  @WampProcedure(value = ForumUris.THREAD_CREATE, discloseCaller = true)
  public ThreadWithPostDto create(String title, String body, InvocationDetails call) {
    // The title's length rule counts after trimming, so the service gets it trimmed.
    String trimmed = title == null ? null : title.strip();
    return ThreadWithPostDto.of(threads.create(Callers.author(call), trimmed, body));
  }
}
