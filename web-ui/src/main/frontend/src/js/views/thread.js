// One thread: a page of its posts (oldest first), kept up to date by the post events; replying, and
// editing or deleting one's own posts. Posts are redrawn one at a time, so that an event never
// takes away a half-written edit or the keyboard focus.

import { byId, count, h, setBusy, time } from '../dom.js';
import { describe } from '../errors.js';
import { Retry } from '../retry.js';

export class ThreadView {
  #connection;
  #notices;
  #id = null;
  #page = 1;
  #pageSize = 20;
  #thread = null;
  #posts = []; // the posts of this page, as shown
  #counted = new Set(); // ids of posts already in #total, so that an event and a reply's answer count once
  #deleted = new Set(); // ids of posts taken off #total, likewise
  #total = 0;
  #editing = null; // id of the post whose editor is open
  #draft = ''; // the text in that editor
  #confirming = null; // id of the post whose deletion waits for a second click
  #section = byId('thread-view');
  #threadsSection = byId('threads-view');
  #title = byId('thread-title');
  #meta = byId('thread-meta');
  #error = byId('thread-error');
  #list = byId('posts');
  #pager = byId('posts-pager');
  #pageLabel = byId('posts-page');
  #previous = byId('posts-previous');
  #next = byId('posts-next');
  #form = byId('reply-form');
  #formError = this.#form.querySelector('.form-error');
  #retry = new Retry();

  constructor(connection, notices) {
    this.#connection = connection;
    this.#notices = notices;
    this.#previous.addEventListener('click', () => this.#turnTo(this.#page - 1));
    this.#next.addEventListener('click', () => this.#turnTo(this.#page + 1));
    this.#form.addEventListener('submit', (event) => this.#reply(event));
  }

  /** Shows a thread from its first page, in place of the thread list. */
  show(id) {
    if (id === this.#id) {
      return;
    }
    this.#id = id;
    this.#retry.cancel();
    this.#page = 1;
    this.#thread = null;
    this.#posts = [];
    this.#editing = null;
    this.#confirming = null;
    this.#error.textContent = '';
    this.#formError.textContent = '';
    this.#render();
    this.#threadsSection.hidden = true;
    this.#section.hidden = false;
    if (this.#connection.state === 'connected') {
      this.#load(1).then(() => this.#title.focus());
    }
  }

  /** Back to the thread list. */
  hide() {
    this.#id = null;
    this.#retry.cancel();
    this.#section.hidden = true;
    this.#threadsSection.hidden = false;
    document.title = 'Quarkbar forum';
  }

  /** Reads the page shown again (after a join: events while away were lost). */
  reload() {
    return this.#id == null ? Promise.resolve() : this.#load(this.#page);
  }

  /** forum.post.on_create, or our own reply's answer. */
  postCreated(post) {
    if (post.threadId !== this.#id || this.#counted.has(post.id)) {
      return;
    }
    this.#counted.add(post.id);
    const onLastPage = this.#page === this.#lastPage();
    this.#total += 1;
    if (onLastPage && this.#posts.length < this.#pageSize) {
      this.#posts.push(post);
      this.#list.append(this.#postItem(post));
    }
    this.#renderHeader();
  }

  /** forum.post.on_update */
  postUpdated(post) {
    const index = this.#posts.findIndex((p) => p.id === post.id);
    if (index >= 0) {
      this.#posts[index] = post;
      if (this.#editing !== post.id) {
        this.#redraw(post.id);
      }
    }
  }

  /** forum.post.on_delete, or our own delete's answer (whichever comes second is a no-op). */
  postDeleted({ id, threadId }) {
    if (threadId !== this.#id || this.#deleted.has(id)) {
      return;
    }
    this.#deleted.add(id);
    this.#total -= 1;
    this.#counted.delete(id);
    this.#posts = this.#posts.filter((p) => p.id !== id);
    this.#itemOf(id)?.remove();
    this.#renderHeader();
    if (this.#posts.length === 0 && this.#page > 1) {
      this.#load(this.#page - 1);
    }
  }

  /** forum.thread.on_delete */
  threadDeleted(id) {
    if (id === this.#id) {
      this.#thread = null;
      this.#posts = [];
      this.#error.textContent = 'This thread has been deleted.';
      this.#render();
    }
  }

  async #load(page) {
    const id = this.#id;
    try {
      const { thread, posts } = await this.#connection.call('forum.thread.get', id, page);
      if (id !== this.#id) {
        return; // the reader has moved on
      }
      const last = Math.max(1, Math.ceil(posts.total / posts.pageSize));
      if (posts.items.length === 0 && page > last) {
        await this.#load(last); // posts were deleted: this page is past the end now
        return;
      }
      this.#thread = thread;
      this.#posts = posts.items;
      this.#counted = new Set(posts.items.map((p) => p.id));
      this.#deleted = new Set();
      this.#total = posts.total;
      this.#pageSize = posts.pageSize;
      this.#page = page;
      this.#error.textContent = '';
      this.#retry.cancel();
    } catch (error) {
      if (id !== this.#id) {
        return;
      }
      if (error.uri === 'forum.error.not_found') {
        this.#error.textContent = 'This thread does not exist.';
      } else {
        this.#error.textContent = describe(error);
        this.#retry.after(error, () => this.#load(page));
      }
    }
    this.#render();
  }

  async #turnTo(page) {
    await this.#load(page);
    this.#title.focus();
  }

  async #reply(event) {
    event.preventDefault();
    this.#formError.textContent = '';
    setBusy(this.#form, true);
    try {
      const post = await this.#connection.call(
        'forum.post.create',
        this.#id,
        this.#form.elements.body.value,
      );
      this.#form.reset();
      this.postCreated(post);
      if (!this.#posts.some((p) => p.id === post.id)) {
        await this.#load(this.#lastPage()); // it starts a new page: show it there
      }
    } catch (error) {
      this.#formError.textContent = describe(error);
    } finally {
      setBusy(this.#form, false);
    }
  }

  #startEdit(post) {
    this.#editing = post.id;
    this.#draft = post.body;
    this.#confirming = null;
    this.#redraw(post.id, 'textarea');
  }

  #stopEdit(id) {
    this.#editing = null;
    this.#redraw(id, '.edit');
  }

  async #saveEdit(event, post) {
    event.preventDefault();
    const form = event.currentTarget;
    setBusy(form, true);
    try {
      const updated = await this.#connection.call('forum.post.edit', post.id, this.#draft);
      this.#editing = null;
      this.postUpdated(updated);
      this.#itemOf(post.id)?.querySelector('.edit')?.focus();
    } catch (error) {
      setBusy(form, false);
      form.querySelector('.form-error').textContent = describe(error);
    }
  }

  /** Asks for the second click on post id's deletion (null: on none). */
  #confirmDelete(id) {
    const previous = this.#confirming;
    this.#confirming = id;
    if (previous != null) {
      this.#redraw(previous, '.delete');
    }
    if (id != null) {
      this.#redraw(id, '.confirm-delete');
    }
  }

  async #delete(post, wholeThread) {
    const item = this.#itemOf(post.id);
    setBusy(item, true);
    try {
      await this.#connection.call('forum.post.delete', post.id);
      if (wholeThread) {
        this.#notices.show('Your thread has been deleted.');
        location.hash = '#/';
      } else {
        this.postDeleted(post);
      }
    } catch (error) {
      setBusy(item, false);
      item.querySelector('.form-error').textContent = describe(error);
    }
  }

  #lastPage() {
    return Math.max(1, Math.ceil(this.#total / this.#pageSize));
  }

  #itemOf(id) {
    return this.#list.querySelector(`li[data-id="${Number(id)}"]`);
  }

  /** Draws one post again; then focuses the element `focus` selects in it, if given. */
  #redraw(id, focus = null) {
    const post = this.#posts.find((p) => p.id === id);
    const item = this.#itemOf(id);
    if (post && item) {
      const drawn = this.#postItem(post);
      item.replaceWith(drawn);
      if (focus) {
        drawn.querySelector(focus)?.focus();
      }
    }
  }

  #render() {
    this.#renderHeader();
    this.#list.replaceChildren(...this.#posts.map((post) => this.#postItem(post)));
    this.#form.hidden = this.#thread == null;
  }

  #renderHeader() {
    const thread = this.#thread;
    this.#title.textContent = thread?.title ?? '';
    document.title = thread ? `${thread.title} – Quarkbar forum` : 'Quarkbar forum';
    this.#meta.replaceChildren(
      ...(thread
        ? [
            'Started by ',
            h('span', { class: 'thread-author' }, thread.author),
            ' ',
            time(thread.createdAt),
            ` · ${count(this.#total, 'post')}`,
          ]
        : []),
    );
    const last = this.#lastPage();
    this.#pager.hidden = thread == null || last <= 1;
    this.#pageLabel.textContent = `Page ${this.#page} of ${last}`;
    this.#previous.disabled = this.#page <= 1;
    this.#next.disabled = this.#page >= last;
  }

  #postItem(post) {
    const mine = post.author === this.#connection.user;
    const editing = mine && this.#editing === post.id;
    return h(
      'li',
      { class: 'post', dataset: { id: post.id } },
      h(
        'article',
        { 'aria-label': `Post by ${post.author}` },
        h(
          'p',
          { class: 'post-header' },
          h('span', { class: 'post-author' }, post.author),
          ' ',
          time(post.createdAt),
          post.editedAt ? h('span', { class: 'edited' }, ' (edited ', time(post.editedAt), ')') : null,
        ),
        editing ? this.#editor(post) : h('p', { class: 'post-body' }, post.body),
        mine && !editing ? this.#actions(post) : null,
      ),
    );
  }

  #editor(post) {
    const id = `edit-${post.id}`;
    const text = h('textarea', { id, name: 'body', required: true, maxlength: 10000, rows: 4 });
    text.value = this.#draft;
    text.addEventListener('input', () => {
      this.#draft = text.value;
    });
    return h(
      'form',
      {
        class: 'edit-form',
        onsubmit: (event) => this.#saveEdit(event, post),
        onkeydown: (event) => event.key === 'Escape' && this.#stopEdit(post.id),
      },
      h('label', { for: id }, 'Edit your post'),
      text,
      h(
        'div',
        { class: 'buttons' },
        h('button', { type: 'submit' }, 'Save'),
        h('button', { type: 'button', class: 'secondary', onclick: () => this.#stopEdit(post.id) }, 'Cancel'),
      ),
      h('p', { class: 'form-error', role: 'alert' }),
    );
  }

  #actions(post) {
    if (this.#confirming !== post.id) {
      return h(
        'div',
        { class: 'post-actions' },
        h('button', { type: 'button', class: 'link-button edit', onclick: () => this.#startEdit(post) }, 'Edit'),
        h('button', { type: 'button', class: 'link-button delete', onclick: () => this.#confirmDelete(post.id) }, 'Delete'),
        h('p', { class: 'form-error', role: 'alert' }),
      );
    }
    // The first post is the thread: deleting it deletes the thread with all its replies.
    const wholeThread = this.#page === 1 && this.#posts[0]?.id === post.id;
    return h(
      'div',
      { class: 'post-actions confirming', role: 'group', 'aria-label': 'Confirm deletion' },
      h('span', {}, wholeThread ? 'This deletes the whole thread, with every reply. Delete it?' : 'Delete this post?'),
      h('button', { type: 'button', class: 'danger confirm-delete', onclick: () => this.#delete(post, wholeThread) }, 'Delete'),
      h('button', { type: 'button', class: 'secondary', onclick: () => this.#confirmDelete(null) }, 'Keep it'),
      h('p', { class: 'form-error', role: 'alert' }),
    );
  }
}
