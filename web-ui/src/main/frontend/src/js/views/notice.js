// Messages about the session as a whole ("You are logged out", "Your session has expired"), in a
// polite live region under the header, until dismissed or replaced.

import { byId, h } from '../dom.js';

export class NoticeView {
  #box = byId('notice');

  show(message) {
    this.#box.replaceChildren(
      h('p', {}, message),
      h('button', { type: 'button', class: 'link-button', onclick: () => this.clear() }, 'Dismiss'),
    );
  }

  clear() {
    this.#box.replaceChildren();
  }
}
