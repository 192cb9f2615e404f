// The thread list, newest activity first: page 1 on every join, further pages on "More threads",
// kept up to date by the thread and post events; and the form that starts a thread.

import { byId, count, h, setBusy, time } from '../dom.js';
import { describe } from '../errors.js';
import { Retry } from '../retry.js';

export class ThreadListView {
  #connection;
  #threads = []; // Thread objects as shown
  #total = 0;
  #pagesLoaded = 0;
  #list = byId('thread-list');
  #empty = byId('threads-empty');
  #error = byId('threads-error');
  #more = byId('more-threads');
  #retry = new Retry();
  #form = byId('new-thread-form');
  #formError = this.#form.querySelector('.form-error');

  constructor(connection) {
    this.#connection = connection;
    this.#more.addEventListener('click', () => this.#loadMore());
    this.#form.addEventListener('submit', (event) => this.#create(event));
  }

  /** Reads page 1 again; the pages read after it are dropped. */
  async load() {
    try {
      const page = await this.#connection.call('forum.thread.list', 1);
      this.#threads = page.items;
      this.#total = page.total;
      this.#pagesLoaded = 1;
      this.#error.textContent = '';
      this.#retry.cancel();
    } catch (error) {
      this.#error.textContent = describe(error);
      this.#retry.after(error, () => this.load());
    }
    this.#render();
  }

  async #loadMore() {
    this.#more.disabled = true;
    try {
      const page = await this.#connection.call('forum.thread.list', this.#pagesLoaded + 1);
      // Threads that moved up meanwhile are already shown.
      const shown = new Set(this.#threads.map((t) => t.id));
      this.#threads.push(...page.items.filter((t) => !shown.has(t.id)));
      this.#total = page.total;
      this.#pagesLoaded += 1;
      this.#error.textContent = '';
    } catch (error) {
      this.#error.textContent = describe(error);
    } finally {
      this.#more.disabled = false;
    }
    this.#render();
  }

  async #create(event) {
    event.preventDefault();
    const title = this.#form.elements.title.value;
    const body = this.#form.elements.body.value;
    this.#formError.textContent = '';
    setBusy(this.#form, true);
    try {
      const created = await this.#connection.call('forum.thread.create', title, body);
      this.created(created.thread);
      this.#form.reset();
      location.hash = `#/thread/${created.thread.id}`;
    } catch (error) {
      this.#formError.textContent = describe(error);
    } finally {
      setBusy(this.#form, false);
    }
  }

  /** forum.thread.on_create, or our own thread.create's answer (whichever comes second is a no-op). */
  created(thread) {
    if (!this.#find(thread.id)) {
      this.#threads.unshift(thread);
      this.#total += 1;
      this.#render();
    }
  }

  /** forum.thread.on_delete */
  deleted(id) {
    const before = this.#threads.length;
    this.#threads = this.#threads.filter((t) => t.id !== id);
    if (this.#threads.length < before) {
      this.#total -= 1;
      this.#render();
    }
  }

  /** forum.post.on_create: the thread has one post more and moves to the top. */
  async postCreated(post) {
    const thread = this.#find(post.threadId);
    if (!thread) {
      await this.#fetchMovedUp(post.threadId);
      return;
    }
    thread.postCount += 1;
    thread.lastPostAt = post.createdAt;
    this.#threads = [thread, ...this.#threads.filter((t) => t !== thread)];
    this.#render();
  }

  /** forum.post.on_delete */
  postDeleted({ threadId }) {
    const thread = this.#find(threadId);
    if (thread) {
      thread.postCount -= 1;
      this.#render();
    }
  }

  /** A thread on a page not read yet got a reply: it now belongs at the top. */
  async #fetchMovedUp(threadId) {
    try {
      const { thread } = await this.#connection.call('forum.thread.get', threadId, 1);
      if (!this.#find(threadId)) {
        this.#threads.unshift(thread);
        this.#render();
      }
    } catch {
      // Deleted meanwhile, or the forum is away: the list is read again on the next join.
    }
  }

  #find(id) {
    return this.#threads.find((t) => t.id === id);
  }

  #render() {
    this.#list.replaceChildren(...this.#threads.map(threadItem));
    this.#empty.hidden = this.#threads.length > 0 || this.#error.textContent !== '';
    this.#more.hidden = this.#threads.length >= this.#total;
  }
}

function threadItem(thread) {
  return h(
    'li',
    { class: 'thread', dataset: { id: thread.id } },
    h('a', { class: 'thread-title', href: `#/thread/${Number(thread.id)}` }, thread.title),
    h(
      'p',
      { class: 'meta' },
      'by ',
      h('span', { class: 'thread-author' }, thread.author),
      ` · ${count(thread.postCount, 'post')} · last post `,
      time(thread.lastPostAt),
    ),
  );
}
