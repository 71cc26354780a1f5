// The one way the UI talks to the server: JSON over /api/v1. The session is an
// HttpOnly cookie the server sets at login (this code never sees the token);
// every request that is not a GET carries the session's CSRF token, which the
// login and GET /me give and which is kept in memory only (docs/ACCESS.md). Errors come back as ApiError carrying the HTTP
// status and the server's {code, message, message_zh, details[{path, problem}]};
// its text is the Chinese message (message_zh) unless English is chosen.
let csrfToken = null

export class ApiError extends Error {
  constructor(status, body) {
    const e = (body && body.error) || {}
    const english = typeof localStorage !== 'undefined' && localStorage.getItem('fupin.locale') === 'en'
    super((english ? e.message : e.message_zh || e.message) || `HTTP ${status}`)
    this.messageEn = e.message || ''
    this.status = status
    this.code = e.code || ''
    this.details = Array.isArray(e.details) ? e.details : []
  }
}

let onUnauthenticated = () => {}
export function setUnauthenticatedHandler(fn) {
  onUnauthenticated = fn
}

// The CSRF token of the session (null when logged out).
export function getCsrfToken() {
  return csrfToken
}
export function setCsrfToken(token) {
  csrfToken = token || null
}

// The headers that say which session a request belongs to.
function sessionHeaders(method, headers) {
  if (method !== 'GET' && csrfToken) headers['X-CSRF-Token'] = csrfToken
  return headers
}

function buildUrl(path, query) {
  const url = new URL('/api/v1' + path, window.location.origin)
  for (const [k, v] of Object.entries(query || {})) {
    if (v !== undefined && v !== null && v !== '') url.searchParams.set(k, String(v))
  }
  return url.pathname + url.search
}

// Returns {data, etag, status}. Throws ApiError for any status >= 400.
export async function request(method, path, { query, body, ifMatch } = {}) {
  const headers = sessionHeaders(method, { Accept: 'application/json' })
  const hadSession = !!csrfToken
  if (body !== undefined) headers['Content-Type'] = 'application/json'
  if (ifMatch) headers['If-Match'] = ifMatch
  const res = await fetch(buildUrl(path, query), {
    method,
    headers,
    body: body === undefined ? undefined : JSON.stringify(body),
  })
  let data = null
  const text = await res.text()
  if (text) {
    try {
      data = JSON.parse(text)
    } catch {
      data = null
    }
  }
  if (!res.ok) {
    const err = new ApiError(res.status, data)
    if (res.status === 401 && hadSession && path !== '/sessions') onUnauthenticated()
    throw err
  }
  return { data, etag: res.headers.get('ETag'), status: res.status }
}

export const api = {
  get: async (path, query) => (await request('GET', path, { query })).data,
  post: async (path, body) => (await request('POST', path, { body: body ?? {} })).data,
  put: async (path, body) => (await request('PUT', path, { body: body ?? {} })).data,
  del: async (path) => (await request('DELETE', path)).data,
}

// Runs `tasks` (functions returning promises) at most `limit` at a time, in order.
export async function allLimited(tasks, limit = 6) {
  const out = new Array(tasks.length)
  let next = 0
  async function worker() {
    while (next < tasks.length) {
      const i = next++
      out[i] = await tasks[i]()
    }
  }
  await Promise.all(Array.from({ length: Math.min(limit, tasks.length) }, worker))
  return out
}

// Downloads a file route (e.g. /reports/progress.xlsx) with the session's
// cookie and hands it to the browser under the server's file name.
export async function download(path, query, fallbackName) {
  const res = await fetch(buildUrl(path, query))
  if (!res.ok) {
    let data = null
    try {
      data = await res.json()
    } catch {
      data = null
    }
    throw new ApiError(res.status, data)
  }
  const blob = await res.blob()
  const m = /filename="([^"]+)"/.exec(res.headers.get('Content-Disposition') || '')
  const name = (m && m[1]) || fallbackName
  const url = URL.createObjectURL(blob)
  const a = document.createElement('a')
  a.href = url
  a.download = name
  document.body.appendChild(a)
  a.click()
  a.remove()
  setTimeout(() => URL.revokeObjectURL(url), 10000)
  return { name, size: blob.size }
}

// Sends a file the user chose (an import spreadsheet) as the request body,
// the other parameters in the query. Returns the JSON answer; throws ApiError.
export async function uploadFile(path, query, file) {
  const headers = sessionHeaders('POST', { Accept: 'application/json', 'Content-Type': 'application/octet-stream' })
  const hadSession = !!csrfToken
  const res = await fetch(buildUrl(path, query), { method: 'POST', headers, body: file })
  let data = null
  try {
    data = await res.json()
  } catch {
    data = null
  }
  if (!res.ok) {
    if (res.status === 401 && hadSession) onUnauthenticated()
    throw new ApiError(res.status, data)
  }
  return data
}
