// Logging in, registering and logging out, in the header. Whether the page is logged in shows as
// the body's data-signed-in attribute, which the style sheet uses to show the forms for users or
// the hints for guests.

import { byId, setBusy } from '../dom.js';
import { describe } from '../errors.js';

export class AccountView {
  #connection;
  #notices;
  #form = byId('login-form');
  #error = this.#form.querySelector('.form-error');
  #name = byId('signed-in-name');
  #logout = byId('logout');

  constructor(connection, notices) {
    this.#connection = connection;
    this.#notices = notices;
    this.#form.addEventListener('submit', (event) => this.#submit(event));
    this.#logout.addEventListener('click', () => this.#logOut());
    connection.addEventListener('open', ({ detail }) => this.#show(detail.user));
  }

  #show(user) {
    document.body.toggleAttribute('data-signed-in', user != null);
    this.#name.textContent = user ?? '';
    if (user) {
      this.#form.reset();
      this.#error.textContent = '';
    }
  }

  async #submit(event) {
    event.preventDefault();
    const register = event.submitter?.value === 'register';
    const username = this.#form.elements.username.value.trim();
    const password = this.#form.elements.password.value;
    this.#error.textContent = '';
    setBusy(this.#form, true);
    try {
      if (register) {
        await this.#connection.call('forum.auth.register', username, password);
      }
      await this.#connection.logIn(username, password);
      this.#notices.clear();
    } catch (error) {
      this.#error.textContent = describe(error);
    } finally {
      setBusy(this.#form, false);
    }
  }

  async #logOut() {
    this.#logout.disabled = true;
    try {
      await this.#connection.logOut();
    } catch (error) {
      this.#notices.show(
        `You are logged out on this page, but your other tabs may still be logged in: ${describe(error)}`,
      );
    } finally {
      this.#logout.disabled = false;
    }
  }
}
