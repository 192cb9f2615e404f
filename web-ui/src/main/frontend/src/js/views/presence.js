// Who is online: read on every join, then kept up to date by forum.presence.on_join / on_leave.

import { byId, h } from '../dom.js';
import { describe } from '../errors.js';
import { Retry } from '../retry.js';

export class PresenceView {
  #connection;
  #online = new Map(); // username → since (ISO-8601)
  #list = byId('online-list');
  #count = byId('online-count');
  #empty = byId('online-empty');
  #error = byId('online-error');
  #retry = new Retry();

  constructor(connection) {
    this.#connection = connection;
  }

  async load() {
    try {
      const presences = await this.#connection.call('forum.presence.list');
      this.#online = new Map(presences.map((p) => [p.user, p.since]));
      this.#error.textContent = '';
      this.#retry.cancel();
    } catch (error) {
      this.#online.clear();
      this.#error.textContent = describe(error);
      this.#retry.after(error, () => this.load());
    }
    this.#render();
  }

  joined(presence) {
    this.#online.set(presence.user, presence.since);
    this.#render();
  }

  left(user) {
    this.#online.delete(user);
    this.#render();
  }

  #render() {
    const me = this.#connection.user;
    const names = [...this.#online.keys()].sort();
    this.#list.replaceChildren(
      ...names.map((name) =>
        h(
          'li',
          { dataset: { user: name }, title: `online since ${since(this.#online.get(name))}` },
          h('span', { class: 'username' }, name),
          name === me ? h('span', { class: 'you' }, ' (you)') : null,
        ),
      ),
    );
    this.#count.textContent = `(${names.length})`;
    this.#empty.hidden = names.length > 0 || this.#error.textContent !== '';
  }
}

function since(iso) {
  return new Date(iso).toLocaleString();
}
