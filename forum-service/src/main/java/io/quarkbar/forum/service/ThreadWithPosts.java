package io.quarkbar.forum.service;

import io.quarkbar.forum.domain.ForumThread;
import io.quarkbar.forum.domain.Post;

/** A thread and one page of its posts. */
public record ThreadWithPosts(ForumThread thread, Page<Post> posts) {}
