// Who is logged in (GET /api/v1/me), what their role may see, and which API
// routes this server has (from its OpenAPI document) so that pages and
// household sections of later modules appear as soon as their routes exist.
import { reactive } from 'vue'
import { api, setCsrfToken, request } from './api.js'
import { pages } from './modules.js'

export const session = reactive({
  user: null, // {id, name, role, role_label, area_code}
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

// What each role may do, as src/access/permissions.cc grants it. The server
// enforces every rule; this only decides which menus and buttons to show.
const READ_REGISTRY = ['administrator', 'county_office', 'township', 'village_cadre', 'paired_cadre',
  'sector_department', 'auditor']
const WRITE_REGISTRY = ['administrator', 'county_office', 'township', 'village_cadre']
// Pages of a whole area (overview, reports, the assessment and monitoring
// pages): not for paired cadres, who read only their paired households.
const READ_AREA = ['administrator', 'county_office', 'township', 'village_cadre', 'sector_department', 'auditor']
export const abilities = {
  overview: READ_AREA,
  readRegistry: READ_REGISTRY,
  writeRegistry: WRITE_REGISTRY,
  readUsers: ['administrator', 'auditor'],
  writeUsers: ['administrator'],
  readAudit: ['administrator', 'auditor'],
  readSocial: ['administrator', 'county_office', 'township', 'village_cadre', 'paired_cadre', 'donor', 'auditor'],
  // Cadres who publish needs, record dockings, confirm them and record feedback.
  writeSocial: ['administrator', 'county_office', 'township', 'village_cadre', 'paired_cadre'],
  reviewNeeds: ['administrator', 'county_office', 'township'],
  pledge: ['donor'],
  readAssessment: READ_AREA,
  // A household's own assessment and monitoring cases (paired cadres: their households).
  readHouseholdAssessment: READ_REGISTRY,
  readHouseholdMonitoring: READ_REGISTRY,
  runAssessment: WRITE_REGISTRY,
  readAssistance: READ_REGISTRY,
  writeAssistance: WRITE_REGISTRY,
  readReports: READ_AREA,
  readParams: READ_REGISTRY,
  writeParams: ['administrator'],
  // Monitoring (Resource::kMonitoring): paired cadres see their own households;
  // who does which step is checked by the server (docs/MONITORING.md).
  readMonitoring: READ_AREA,
  writeMonitoring: ['administrator', 'county_office', 'township', 'village_cadre', 'paired_cadre'],
  eliminateRisk: ['administrator', 'county_office'],
  // Data-quality checks: every registry reader except paired cadres (dataio/quality.cc).
  readQuality: ['administrator', 'county_office', 'township', 'village_cadre', 'sector_department', 'auditor'],
}

// Policies (Resource::kPolicy, read by every role but donors), the stored
// entitlements (also need the registry beyond paired households), running
// them (policy write: administrators, county offices) and the reconciliation
// with the departments' rosters (Resource::kRoster).
Object.assign(abilities, {
  readPolicy: ['administrator', 'county_office', 'township', 'village_cadre', 'paired_cadre', 'sector_department', 'auditor'],
  readEntitlements: ['administrator', 'county_office', 'township', 'village_cadre', 'sector_department', 'auditor'],
  runEntitlements: ['administrator', 'county_office'],
  // Recomputing a stored report (?fresh=true; reports::MayForceFresh).
  refreshReports: ['administrator', 'county_office'],
  readReconciliation: ['administrator', 'county_office', 'township', 'village_cadre', 'sector_department', 'auditor'],
  // Imports (dataio/uploads.h): the registry templates by those who write the
  // registry, alert rosters also by departments, rosters by departments and offices.
  importRegistry: WRITE_REGISTRY,
  importAlerts: ['administrator', 'county_office', 'township', 'village_cadre', 'sector_department'],
  importRosters: ['administrator', 'county_office', 'sector_department'],
  importData: ['administrator', 'county_office', 'township', 'village_cadre', 'sector_department'],
  // Projects, funds and assets (Resource::kProjects).
  readProjects: ['administrator', 'county_office', 'township', 'village_cadre', 'auditor'],
})

// What the server says the role may do: GET /api/v1/me (and the login) carry
// `access` — per resource of src/access/permissions.cc {read, write,
// paired_only} in the user's scope. Where the server gives it, each ability
// below follows the server's answer; the table above is the fallback for an
// older server and adds the services' own finer rules (only donors pledge...).
// A page over a whole area needs the resource beyond paired households: a
// paired cadre's menu has no page that would only be refused.
const AREA_READ = (r) => r.read && !r.paired_only
const SERVER_RULE = {
  overview: (a) => AREA_READ(a.registry),
  readRegistry: (a) => a.registry.read,
  writeRegistry: (a) => a.registry.write && !a.registry.paired_only,
  readUsers: (a) => a.users.read,
  writeUsers: (a) => a.users.write,
  readAudit: (a) => a.audit.read,
  readSocial: (a) => a.social.read,
  readAssessment: (a) => AREA_READ(a.assessment),
  readHouseholdAssessment: (a) => a.assessment.read,
  readHouseholdMonitoring: (a) => a.monitoring.read,
  readAssistance: (a) => a.assistance.read,
  readReports: (a) => AREA_READ(a.registry),
  readParams: (a) => a.params.read,
  writeParams: (a) => a.params.write,
  readMonitoring: (a) => AREA_READ(a.monitoring),
  readPolicy: (a) => a.policy.read,
  readEntitlements: (a) => a.policy.read && a.registry.read && !a.registry.paired_only,
  runEntitlements: (a) => a.policy.write,
  readReconciliation: (a) => a.roster.read && a.policy.read && a.registry.read && !a.registry.paired_only,
  importRegistry: (a) => a.registry.write && !a.registry.paired_only,
  importAlerts: (a) => (a.monitoring.write && !a.monitoring.paired_only) || a.roster.write,
  importRosters: (a) => a.roster.write,
  readProjects: (a) => a.projects.read,
  importData: (a) => (a.registry.write && !a.registry.paired_only) || (a.monitoring.write && !a.monitoring.paired_only) ||
    a.roster.write,
}

export function can(ability, user = session.user) {
  if (!user) return false
  const access = user.access
  const rule = SERVER_RULE[ability]
  if (access && rule) {
    try {
      return !!rule(access)
    } catch {
      // A resource the server does not name: fall back to the table.
    }
  }
  return (abilities[ability] || []).includes(user.role)
}

// The page a role lands on after logging in: the overview when the role may
// open it, else the first page of its menu (a donor: the needs board; a paired
// cadre: 帮扶力量, with their own households).
export function homeFor(user) {
  if (!user) return '/overview'
  if (user.role === 'donor') return '/needs'
  if (can('overview', user)) return '/overview'
  const first = pages.find((p) => can(p.ability, user) && (!p.probe || !session.routes || session.routes.has(p.probe)))
  return first ? first.path : '/overview'
}
