// Who is logged in (GET /api/v1/me), what their role may see, and which API
// routes this server has (from its OpenAPI document) so that pages and
// household sections of later modules appear as soon as their routes exist.
import { reactive } from 'vue'
import { api, setCsrfToken, request } from './api.js'
import { pages } from './modules.js'

export const session = reactive({
  user: null, // {id, name, role, role_label, area_code, access, abilities}
  routes: null, // Set of "METHOD /api/v1/path" this server offers
})

export async function loadRoutes() {
  if (session.routes) return session.routes
  const doc = await api.get('/openapi.json')
  const set = new Set()
  for (const [path, ops] of Object.entries(doc.paths || {})) {
    for (const method of Object.keys(ops)) set.add(`${method.toUpperCase()} ${path}`)
  }
  session.routes = set
  return set
}

// True when the server offers `route` ("GET /api/v1/needs").
export function hasRoute(route) {
  return !!session.routes && session.routes.has(route)
}

// Asks the server whether the session cookie (if any) is still a session.
export async function loadMe() {
  if (session.user) return session.user
  try {
    session.user = await api.get('/me')
    setCsrfToken(session.user.csrf_token)
  } catch (e) {
    if (e.status === 401) setCsrfToken(null)
    else throw e
  }
  return session.user
}

export async function login(name, password) {
  const { data } = await request('POST', '/sessions', { body: { name, password } })
  setCsrfToken(data.csrf_token)
  session.user = data.user
  return data.user
}

export async function logout() {
  try {
    await api.del('/sessions/current') // clears the cookie
  } catch {
    // The session may already have expired; it is forgotten either way.
  }
  setCsrfToken(null)
  session.user = null
}

export function forgetSession() {
  setCsrfToken(null)
  session.user = null
}

// What the user may do: GET /api/v1/me (and the login) carry `abilities`,
// every ability of src/access/abilities.h as true or false, computed by the
// server (docs/ACCESS.md). The server enforces every rule; this only decides
// which menus and buttons to show. An ability the server does not name is not
// granted: the web keeps no role table of its own.
export function can(ability, user = session.user) {
  return !!(user && user.abilities && user.abilities[ability])
}

// The page a user lands on after logging in: the overview when they may open
// it, else the first page of their menu (a donor: the needs board; a paired
// cadre: the households paired with them).
export function homeFor(user) {
  if (!user) return '/overview'
  // 待办 first (issue 24): every role that reads the registry, when the server has the to-do.
  if (can('read_registry', user) && (!session.routes || session.routes.has('GET /api/v1/todo'))) return '/todo'
  if (can('overview', user)) return '/overview'
  const first = pages.find((p) => can(p.ability, user) && (!p.probe || !session.routes || session.routes.has(p.probe)))
  return first ? first.path : '/overview'
}
