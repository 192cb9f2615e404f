// Reading again what could not be read: a list that failed because a service was away is read
// again a few seconds later, so that it comes back on its own once the service does.

const RETRY_MS = 5000;

/** Whether reading again can help: not while disconnected (every join reads anew anyway). */
function worthRetrying(error) {
  return error?.uri !== 'client.not_connected' && error?.uri !== 'client.connection_lost';
}

export class Retry {
  #timer = null;

  /** After a failed read: calls read() again in a few seconds, if that can help. */
  after(error, read) {
    this.cancel();
    if (worthRetrying(error)) {
      this.#timer = setTimeout(read, RETRY_MS);
    }
  }

  cancel() {
    clearTimeout(this.#timer);
    this.#timer = null;
  }
}
