// The session and the calls to the API. The session lives in sessionStorage: it
// ends with the browser tab, and nothing of it is sent anywhere but this server.
//
// A session from a login holds the 15-minute access token and the refresh token
// (renewed before the access token runs out); a pasted API token has neither
// expiry nor refresh.

const KEY = 'outreach.dashboard.session';
// Renew this long before the access token expires, so no call meets a 401.
const RENEW_MARGIN_MS = 60_000;

/** A failed call: `status` and the problem document's `code` (when it has one). */
export class ApiError extends Error {
  constructor(status, problem, headers) {
    super(problem?.detail || `HTTP ${status}`);
    this.status = status;
    this.code = problem?.code;
    this.retryAfter = Number(headers?.get('retry-after')) || undefined;
  }
}

export function session() {
  try {
    return JSON.parse(sessionStorage.getItem(KEY));
  } catch {
    return null;
  }
}

function store(value) {
  if (value) sessionStorage.setItem(KEY, JSON.stringify(value));
  else sessionStorage.removeItem(KEY);
}

function fromTokens(tokens) {
  return {
    access_token: tokens.access_token,
    refresh_token: tokens.refresh_token,
    expires_at: Date.now() + tokens.expires_in * 1000,
  };
}

async function send(method, path, { body, token } = {}) {
  const headers = { accept: 'application/json' };
  if (body !== undefined) headers['content-type'] = 'application/json';
  if (token) headers.authorization = `Bearer ${token}`;
  const response = await fetch(path, {
    method,
    headers,
    body: body === undefined ? undefined : JSON.stringify(body),
    credentials: 'omit',
    cache: 'no-cache',
  });
  if (!response.ok) {
    const problem = await response.json().catch(() => null);
    throw new ApiError(response.status, problem, response.headers);
  }
  return response;
}

/** Signs in with an email and password; answers the login's `must_change_password`. */
export async function login(email, password) {
  const tokens = await (await send('POST', '/api/v1/auth/login', { body: { email, password } })).json();
  store(fromTokens(tokens));
  return tokens.must_change_password;
}

/** Signs in with an API token (`otk_...`), checked by reading `/me`. */
export async function useToken(token) {
  await send('GET', '/api/v1/me', { token });
  store({ access_token: token });
}

/** Ends the session: the login is revoked on the server when it has a refresh token. */
export async function logout() {
  const current = session();
  store(null);
  if (current?.refresh_token) {
    await send('POST', '/api/v1/auth/logout', { body: { refresh_token: current.refresh_token } }).catch(() => {});
  }
}

let renewing = null;

// One renewal at a time, however many calls find the token about to expire.
function renew(current) {
  renewing ??= send('POST', '/api/v1/auth/refresh', { body: { refresh_token: current.refresh_token } })
    .then((response) => response.json())
    .then((tokens) => store(fromTokens(tokens)))
    .finally(() => {
      renewing = null;
    });
  return renewing;
}

async function accessToken() {
  let current = session();
  if (!current) throw new ApiError(401, { code: 'invalid_token' });
  if (current.refresh_token && current.expires_at - Date.now() < RENEW_MARGIN_MS) {
    try {
      await renew(current);
    } catch (err) {
      store(null);
      throw err;
    }
    current = session();
  }
  return current.access_token;
}

/** GET `path` (JSON) as the signed-in caller. */
export async function get(path) {
  return (await send('GET', path, { token: await accessToken() })).json();
}

/** GET `path` (a file) as the signed-in caller and hand it to the browser as a download. */
export async function download(path, filename) {
  const blob = await (await send('GET', path, { token: await accessToken() })).blob();
  const url = URL.createObjectURL(blob);
  const link = document.createElement('a');
  link.href = url;
  link.download = filename;
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}
