-- The forum: threads, and the posts in them. A thread carries its post count and the time of its
-- newest post, kept by forum-service in the transaction that adds or removes a post, so that the
-- thread list is one index scan per page.

create table thread (
    id           bigint generated always as identity primary key,
    title        varchar(200) not null,
    author       varchar(255) not null,
    created_at   timestamp(6) with time zone not null,
    last_post_at timestamp(6) with time zone not null,
    post_count   integer not null check (post_count >= 1)
);

-- forum.thread.list: newest activity first.
create index thread_by_activity on thread (last_post_at desc, id desc);

create table post (
    id         bigint generated always as identity primary key,
    thread_id  bigint not null references thread (id),
    author     varchar(255) not null,
    body       varchar(10000) not null,
    created_at timestamp(6) with time zone not null,
    edited_at  timestamp(6) with time zone
);

-- forum.thread.get: a thread's posts, oldest first; its first post is the one with the lowest id.
create index post_by_thread on post (thread_id, id);
