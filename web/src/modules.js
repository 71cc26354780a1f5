// The pages and household sections of each module. A later module slots in
// here: give its page a route in router.js and its `probe` (a route of the
// API that must exist) here. Menus show a page when the role may see it; a
// page whose API is not on this server says so instead of showing anything.
export const pages = [
  { name: 'overview', path: '/overview', icon: 'DataAnalysis', ability: 'overview', probe: 'GET /api/v1/households' },
  { name: 'households', path: '/households', icon: 'House', ability: 'readRegistry', probe: 'GET /api/v1/households' },
  { name: 'needs', path: '/needs', icon: 'Present', ability: 'readSocial', probe: 'GET /api/v1/needs' },
  { name: 'audit', path: '/audit', icon: 'Document', ability: 'readAudit', probe: 'GET /api/v1/audit' },
  { name: 'users', path: '/users', icon: 'User', ability: 'readUsers', probe: 'GET /api/v1/users' },
]

// Sections of the household page owned by later modules. Each appears only
// when its probe route exists on the server; until then nothing is shown.
export const householdSections = [
  { name: 'assessment', probe: 'GET /api/v1/households/{id}/assessment', ability: 'readRegistry' },
  { name: 'assistance', probe: 'GET /api/v1/households/{id}/assistance', ability: 'readRegistry' },
  { name: 'entitlements', probe: 'GET /api/v1/households/{id}/entitlements', ability: 'readRegistry' },
  { name: 'needs', probe: 'GET /api/v1/households/{id}/needs', ability: 'readSocial' },
  { name: 'monitoring', probe: 'GET /api/v1/households/{id}/monitoring', ability: 'readRegistry' },
]

// Report routes the overview uses when the server has them.
export const reportRoutes = {
  progress: 'GET /api/v1/reports/progress',
  incidence: 'GET /api/v1/reports/incidence',
  byCause: 'GET /api/v1/reports/households-by-cause',
}
