// The login that survives a page reload: username and token in localStorage, shared by the tabs of
// this origin. Never the password.

const KEY = 'quarkbar.login';

/** The stored login, {username, token}, or null. */
export function load() {
  try {
    const login = JSON.parse(localStorage.getItem(KEY));
    return typeof login?.username === 'string' && typeof login?.token === 'string' ? login : null;
  } catch {
    return null; // storage unavailable (some private modes) or not ours: no stored login
  }
}

/** Keeps the login; without storage it lasts as long as the page. */
export function save(login) {
  try {
    localStorage.setItem(KEY, JSON.stringify({ username: login.username, token: login.token }));
  } catch {
    // no storage: nothing to keep it in
  }
}

export function clear() {
  try {
    localStorage.removeItem(KEY);
  } catch {
    // no storage: nothing was kept
  }
}

/** Calls listener(login or null) when another tab of this origin logs in or out. */
export function onChange(listener) {
  window.addEventListener('storage', (event) => {
    if (event.key === KEY || event.key === null) {
      listener(load());
    }
  });
}
