// Pages and the guard that lets each role see only what it may. The server
// checks every request again; the guard keeps people out of pages whose
// requests would all be refused.
import { createRouter, createWebHistory } from 'vue-router'
import { setUnauthenticatedHandler } from './api.js'
import { session, loadMe, loadRoutes, can, hasRoute, homeFor, forgetSession } from './session.js'
import { pages } from './modules.js'

const routes = [
  { path: '/login', name: 'login', component: () => import('./views/LoginView.vue'), meta: { public: true, bare: true } },
  { path: '/', name: 'home', redirect: () => homeFor(session.user) },
  { path: '/overview', name: 'overview', component: () => import('./views/OverviewView.vue'), meta: { ability: 'overview' } },
  { path: '/households', name: 'households', component: () => import('./views/HouseholdsView.vue'), meta: { ability: 'read_registry' } },
  { path: '/households/new', name: 'household-new', component: () => import('./views/HouseholdFormView.vue'), meta: { ability: 'write_registry' } },
  { path: '/households/:id', name: 'household', component: () => import('./views/HouseholdView.vue'), meta: { ability: 'read_registry' } },
  { path: '/households/:id/edit', name: 'household-edit', component: () => import('./views/HouseholdFormView.vue'), meta: { ability: 'write_registry' } },
  { path: '/needs', name: 'needs', component: () => import('./views/NeedsView.vue'), meta: { ability: 'read_social' } },
  { path: '/assessment', name: 'assessment', component: () => import('./views/AssessmentView.vue'), meta: { ability: 'read_assessment' } },
  { path: '/assistance', name: 'assistance', component: () => import('./views/AssistanceView.vue'), meta: { ability: 'read_assistance' } },
  { path: '/reports', name: 'reports', component: () => import('./views/ReportsView.vue'), meta: { ability: 'read_reports' } },
  { path: '/params', name: 'params', component: () => import('./views/ParamsView.vue'), meta: { ability: 'read_params' } },
  { path: '/audit', name: 'audit', component: () => import('./views/AuditView.vue'), meta: { ability: 'read_audit' } },
  { path: '/users', name: 'users', component: () => import('./views/UsersView.vue'), meta: { ability: 'read_users' } },
  { path: '/monitoring', name: 'monitoring', component: () => import('./views/MonitoringView.vue'), meta: { ability: 'read_monitoring' } },
  { path: '/monitoring/cases/:id', name: 'monitoring-case', component: () => import('./views/MonitoringCaseView.vue'), meta: { ability: 'read_household_monitoring', probe: 'GET /api/v1/monitoring/cases/{id}' } },
  { path: '/policies', name: 'policies', component: () => import('./views/PoliciesView.vue'), meta: { ability: 'read_policy' } },
  { path: '/quality', name: 'quality', component: () => import('./views/QualityView.vue'), meta: { ability: 'read_quality' } },
  { path: '/imports', name: 'imports', component: () => import('./views/ImportView.vue'), meta: { ability: 'import_data' } },
  { path: '/projects', name: 'projects', component: () => import('./views/ProjectsView.vue'), meta: { ability: 'read_projects' } },
  { path: '/todo', name: 'todo', component: () => import('./views/TodoView.vue'), meta: { ability: 'read_registry' } },
  { path: '/exits', name: 'exits', component: () => import('./views/ExitsView.vue'), meta: { ability: 'write_registry' } },
  { path: '/exits/notice', name: 'exit-notice', component: () => import('./views/ExitNoticeView.vue'), meta: { ability: 'read_quality', probe: 'GET /api/v1/notices/exits' } },
  { path: '/industry', name: 'industry', component: () => import('./views/IndustryView.vue'), meta: { ability: 'read_industry' } },
  { path: '/changes', name: 'changes', component: () => import('./views/ChangesView.vue'), meta: { ability: 'read_changes' } },
  { path: '/grievances', name: 'grievances', component: () => import('./views/GrievancesView.vue'), meta: { ability: 'read_grievances' } },
  // Issue 22: three read-only pages of one view, the page named by meta.page.
  { path: '/housing', name: 'housing', component: () => import('./views/HousingView.vue'), meta: { ability: 'read_projects', page: 'housing' } },
  { path: '/relocation', name: 'relocation', component: () => import('./views/HousingView.vue'), meta: { ability: 'read_projects', page: 'relocation' } },
  { path: '/infrastructure', name: 'infrastructure', component: () => import('./views/HousingView.vue'), meta: { ability: 'read_projects', page: 'infrastructure' } },
  { path: '/apply', name: 'apply', component: () => import('./views/ApplyView.vue'), meta: { public: true, bare: true } },
  { path: '/forbidden', name: 'forbidden', component: () => import('./views/ForbiddenView.vue') },
  { path: '/:rest(.*)*', name: 'not-found', component: () => import('./views/NotFoundView.vue') },
]

export const router = createRouter({ history: createWebHistory(), routes })

router.beforeEach(async (to) => {
  if (to.meta.public) return true
  try {
    await loadRoutes()
  } catch {
    // Without the route list, module pages say they are unavailable.
  }
  const user = await loadMe()
  if (!user) return { name: 'login', query: to.fullPath !== '/' ? { redirect: to.fullPath } : {} }
  if (to.meta.ability && !can(to.meta.ability, user)) {
    return { name: 'forbidden', query: { from: to.fullPath } }
  }
  // A module page whose API this server lacks does not exist here.
  // (By route name: the not-found page keeps the address, so matching by path would loop.)
  const page = pages.find((p) => p.name === to.name)
  const probe = (page && page.probe) || to.meta.probe
  if (probe && session.routes && !hasRoute(probe)) {
    return { name: 'not-found', params: { rest: to.path.slice(1).split('/') } }
  }
  return true
})

// A session that expired while the page was open sends the user to log in.
setUnauthenticatedHandler(() => {
  forgetSession()
  const current = router.currentRoute.value
  if (!current.meta.public) router.push({ name: 'login', query: { redirect: current.fullPath } })
})
