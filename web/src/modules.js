// The pages and household sections of each module. A module slots in here:
// give its page a route in router.js and its `probe` (a route of the API that
// must exist) here. The menu shows a page only when the role may see it AND
// the server's /api/v1/openapi.json has its probe route; a module whose API is
// not on this server has no menu entry (and no placeholder page).
export const pages = [
  { name: 'overview', path: '/overview', icon: 'DataAnalysis', ability: 'overview', probe: 'GET /api/v1/households' },
  { name: 'households', path: '/households', icon: 'House', ability: 'read_registry', probe: 'GET /api/v1/households' },
  { name: 'assessment', path: '/assessment', icon: 'Finished', ability: 'read_assessment', probe: 'GET /api/v1/reports/incidence' },
  { name: 'assistance', path: '/assistance', icon: 'Connection', ability: 'read_assistance', probe: 'GET /api/v1/coverage' },
  { name: 'needs', path: '/needs', icon: 'Present', ability: 'read_social', probe: 'GET /api/v1/needs' },
  { name: 'reports', path: '/reports', icon: 'Tickets', ability: 'read_reports', probe: 'GET /api/v1/reports/progress' },
  { name: 'params', path: '/params', icon: 'Setting', ability: 'read_params', probe: 'GET /api/v1/params' },
  { name: 'audit', path: '/audit', icon: 'Document', ability: 'read_audit', probe: 'GET /api/v1/audit' },
  { name: 'users', path: '/users', icon: 'User', ability: 'read_users', probe: 'GET /api/v1/users' },
  { name: 'monitoring', path: '/monitoring', icon: 'Warning', ability: 'read_monitoring', probe: 'GET /api/v1/monitoring/cases' },
  { name: 'quality', path: '/quality', icon: 'CircleCheck', ability: 'read_quality', probe: 'GET /api/v1/quality/summary' },
  // Policies, the one-click entitlements and the reconciliation with the
  // departments' rosters (issue 6); each tab of the page probes its own route.
  { name: 'policies', path: '/policies', icon: 'Medal', ability: 'read_policy', probe: 'GET /api/v1/policies' },
  // Uploads of the import spreadsheets (docs/IMPORT_FORMATS.md "Upload over HTTP").
  // Projects, funds and assets (issue 20): 项目库 · 资金 · 资产 as tabs of one page.
  { name: 'projects', path: '/projects', icon: 'Coin', ability: 'read_projects', probe: 'GET /api/v1/projects' },
  { name: 'imports', path: '/imports', icon: 'Upload', ability: 'import_data', probe: 'GET /api/v1/imports/templates/{kind}' },
  // 待办 (issue 24): what waits for the user; the landing page of every role that reads the registry.
  { name: 'todo', path: '/todo', icon: 'Bell', ability: 'read_registry', probe: 'GET /api/v1/todo' },
  // 批量退出 (issue 24): the exit procedure for a village's or township's households at once; its 公示 prints from there.
  { name: 'exits', path: '/exits', icon: 'Finished', ability: 'write_registry', probe: 'POST /api/v1/exits/batch' },
  // Industry, employment, consumption and small loans (issue 21): one page with tabs.
  { name: 'industry', path: '/industry', icon: 'Shop', ability: 'read_industry', probe: 'GET /api/v1/industries' },
  // Change requests and grievances (issue 23); the public form /apply is linked from the login page.
  { name: 'changes', path: '/changes', icon: 'EditPen', ability: 'read_changes', probe: 'GET /api/v1/change-requests' },
  { name: 'grievances', path: '/grievances', icon: 'ChatDotRound', ability: 'read_grievances', probe: 'GET /api/v1/grievances' },
  // Safe housing, relocation and village infrastructure (issue 22): read by who reads projects.
  { name: 'housing', path: '/housing', icon: 'HomeFilled', ability: 'read_projects', probe: 'GET /api/v1/houses/summary' },
  { name: 'relocation', path: '/relocation', icon: 'Van', ability: 'read_projects', probe: 'GET /api/v1/relocation/summary' },
  { name: 'infrastructure', path: '/infrastructure', icon: 'Guide', ability: 'read_projects', probe: 'GET /api/v1/villages/infrastructure' },
]

// Sections of the household page. Each appears only when its probe route
// exists on the server. Those with a `component` have their own view in
// components/household/; the others are shown generically (DataSection).
export const householdSections = [
  { name: 'assessment', probe: 'GET /api/v1/households/{id}/assessment', ability: 'read_household_assessment', component: 'assessment' },
  { name: 'assistance', probe: 'GET /api/v1/households/{id}/visits', ability: 'read_assistance', component: 'assistance' },
  { name: 'entitlements', probe: 'GET /api/v1/entitlements', ability: 'read_entitlements', component: 'entitlements' },
  { name: 'needs', probe: 'GET /api/v1/needs', ability: 'read_social', component: 'needs' },
  { name: 'monitoring', probe: 'GET /api/v1/monitoring/cases', ability: 'read_household_monitoring', component: 'monitoring' },
  { name: 'industry', probe: 'GET /api/v1/households/{id}/industry', ability: 'read_registry', component: 'industry' },
  { name: 'house', probe: 'GET /api/v1/households/{id}/housing', ability: 'read_registry', component: 'house' },
]

// Report routes the overview uses when the server has them.
export const reportRoutes = {
  progress: 'GET /api/v1/reports/progress',
  incidence: 'GET /api/v1/reports/incidence',
  breakdown: 'GET /api/v1/reports/breakdown',
}

// The policy page's routes (each tab appears when its route exists).
export const policyRoutes = {
  list: 'GET /api/v1/policies',
  detail: 'GET /api/v1/policies/{id}',
  run: 'POST /api/v1/entitlements/runs',
  entitlements: 'GET /api/v1/entitlements',
  entitlementsXlsx: 'GET /api/v1/entitlements.xlsx',
  latestRun: 'GET /api/v1/entitlements/runs/latest',
  reconciliation: 'GET /api/v1/reconciliation',
  reconciliationXlsx: 'GET /api/v1/reconciliation.xlsx',
}

// The menu of `user`: pages their role may see whose API this server has.
export function menuFor(can, hasRoute) {
  return pages.filter((p) => can(p.ability) && (!p.probe || hasRoute(p.probe)))
}
