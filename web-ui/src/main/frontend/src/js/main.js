// The forum page: one WAMP session (wamp-session.js) and the views that show what it reads and
// hears. Settings come from /config.js (window.QUARKBAR), so one build serves any deployment.

import { ForumConnection } from './wamp-session.js';
import { AccountView } from './views/account.js';
import { NoticeView } from './views/notice.js';
import { PresenceView } from './views/presence.js';
import { StatusView } from './views/status.js';
import { ThreadListView } from './views/threads.js';
import { ThreadView } from './views/thread.js';

const connection = new ForumConnection(window.QUARKBAR);
const notices = new NoticeView();
new StatusView(connection);
new AccountView(connection, notices);
const presence = new PresenceView(connection);
const threads = new ThreadListView(connection);
const thread = new ThreadView(connection, notices);

/** Live updates (docs/api.md, "Topics"): each event goes to the views that show what changed. */
const topics = {
  'forum.presence.on_join': (online) => presence.joined(online),
  'forum.presence.on_leave': ({ user }) => presence.left(user),
  'forum.thread.on_create': (created) => threads.created(created.thread),
  'forum.thread.on_delete': ({ id }) => {
    threads.deleted(id);
    thread.threadDeleted(id);
  },
  'forum.post.on_create': (post) => {
    threads.postCreated(post);
    thread.postCreated(post);
  },
  'forum.post.on_update': (post) => thread.postUpdated(post),
  'forum.post.on_delete': (deleted) => {
    threads.postDeleted(deleted);
    thread.postDeleted(deleted);
  },
};

connection.addEventListener('open', async () => {
  const join = connection.joins;
  // Subscribe first, then read: an event that comes between the two is applied on top of a state
  // that may already have it (the views apply events by ID, so that is harmless) rather than lost.
  try {
    await Promise.all(
      Object.entries(topics).map(([topic, handler]) => connection.subscribe(topic, handler)),
    );
  } catch {
    if (join === connection.joins && connection.state === 'connected') {
      notices.show('Live updates are unavailable right now; reload the page to try again.');
    }
  }
  if (join !== connection.joins) {
    return; // the page joined again meanwhile (logged in or out): that join reads for itself
  }
  presence.load();
  threads.load();
  thread.reload();
});
connection.addEventListener('notice', ({ detail }) =>
  detail.message ? notices.show(detail.message) : notices.clear(),
);

/** #/thread/42 shows thread 42; anything else the thread list. */
function route() {
  const match = /^#\/thread\/(\d+)$/.exec(location.hash);
  if (match) {
    thread.show(Number(match[1]));
  } else {
    thread.hide();
  }
}
window.addEventListener('hashchange', route);
route();
if (typeof window.QUARKBAR?.routerUrl === 'string' && typeof window.autobahn?.Connection === 'function') {
  connection.start();
} else {
  // config.js or Autobahn|JS did not load (the server is away, or a proxy dropped them).
  connection.cannotStart();
  notices.show('The page could not load completely; reload it to try again.');
}
