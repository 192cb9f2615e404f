// The connection state in the header: connected, reconnecting, offline (with a countdown to the
// next attempt and a button to try now).

import { byId } from '../dom.js';

const TEXT = {
  connecting: 'Connecting…',
  connected: 'Connected',
  reconnecting: 'Reconnecting…',
  offline: 'Offline',
};

export class StatusView {
  #connection;
  #box = byId('connection');
  #text = byId('connection-text');
  #countdownText = byId('connection-retry');
  #retryNow = byId('retry-now');
  #countdown = null;

  constructor(connection) {
    this.#connection = connection;
    this.#retryNow.addEventListener('click', () => connection.retryNow());
    connection.addEventListener('state', () => this.#render());
    this.#render();
  }

  #render() {
    const state = this.#connection.state;
    this.#box.dataset.state = state;
    this.#text.textContent = TEXT[state];
    this.#retryNow.hidden = state !== 'offline';
    // The countdown sits outside the live region: a screen reader should not read it every second.
    clearInterval(this.#countdown);
    this.#showCountdown();
    if (state === 'offline') {
      this.#countdown = setInterval(() => this.#showCountdown(), 1000);
    }
  }

  #showCountdown() {
    const at = this.#connection.retryAt;
    const seconds = at ? Math.max(0, Math.ceil((at - Date.now()) / 1000)) : 0;
    this.#countdownText.textContent =
      this.#connection.state === 'offline' && seconds > 0 ? `— trying again in ${seconds} s` : '';
  }
}
