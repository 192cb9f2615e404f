// Building the page from data. Text, from users or not, only ever becomes Text nodes
// (Element.append and textContent): nothing here parses HTML, so nothing a user writes can become
// markup or script.

/**
 * A new element: `h('li', {class: 'post', dataset: {id: 5}}, 'text', child)`. Props starting with
 * "on" add event listeners; `dataset` sets data-* attributes; `true` sets a boolean attribute and
 * null, undefined or false leave it out. Children are nodes or strings (as text), nested arrays
 * allowed; null, undefined and false are skipped.
 */
export function h(tag, props = {}, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(props)) {
    if (value == null || value === false) {
      continue;
    }
    if (key.startsWith('on')) {
      node.addEventListener(key.slice(2), value);
    } else if (key === 'dataset') {
      Object.assign(node.dataset, value);
    } else {
      node.setAttribute(key === 'className' ? 'class' : key, value === true ? '' : String(value));
    }
  }
  node.append(...children.flat(Infinity).filter((c) => c != null && c !== false));
  return node;
}

/** The element with this id; fails loudly when the page lacks it (a bug, not a user error). */
export function byId(id) {
  const node = document.getElementById(id);
  if (!node) {
    throw new Error(`no element #${id} on the page`);
  }
  return node;
}

const dateTime = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' });

/** A <time> element for an ISO-8601 instant, shown in the reader's locale and time zone. */
export function time(iso) {
  const date = new Date(iso);
  return h('time', { datetime: iso, title: date.toISOString() }, dateTime.format(date));
}

/** "1 post", "3 posts". */
export function count(n, singular, plural = `${singular}s`) {
  return `${n} ${n === 1 ? singular : plural}`;
}

/** Marks a form busy while its action runs; its buttons are disabled so that it is not sent twice. */
export function setBusy(form, busy) {
  form.setAttribute('aria-busy', String(busy));
  for (const button of form.querySelectorAll('button')) {
    button.disabled = busy;
  }
}
