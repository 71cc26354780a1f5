// Which year a page opens on: the latest year that has data of its kind in
// the area (GET /api/v1/reports/years: report, assessment, monitoring), not
// this calendar year, which in a county whose records end in 2020 would show
// empty pages. Asked once per user and area; this year when the server does
// not say (or has no data).
import { api } from './api.js'
import { hasRoute, session } from './session.js'

const YEARS_ROUTE = 'GET /api/v1/reports/years'
const cache = new Map()

export function dataYears(area) {
  const key = `${session.user ? session.user.id : ''}|${area || ''}`
  if (!cache.has(key)) {
    cache.set(key, hasRoute(YEARS_ROUTE)
      ? api.get('/reports/years', area ? { area } : {}).catch(() => null)
      : Promise.resolve(null))
  }
  return cache.get(key)
}

// The latest year of `kind` ('report', 'assessment', 'monitoring') in `area`.
export async function latestYear(kind, area) {
  const y = await dataYears(area)
  return (y && y[kind]) || new Date().getFullYear()
}
