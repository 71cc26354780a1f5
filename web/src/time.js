// Times are shown in Beijing time (docs/API.md "Dates and times"): the API
// gives instants as UTC ISO 8601 ("2020-09-30T09:00:00Z") and days as
// "YYYY-MM-DD" (already a Beijing calendar day).
const TZ = 'Asia/Shanghai'
const PARTS = new Intl.DateTimeFormat('en-CA', {
  timeZone: TZ, year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit',
  second: '2-digit', hourCycle: 'h23',
})

function parts(date) {
  const out = {}
  for (const p of PARTS.formatToParts(date)) out[p.type] = p.value
  return out
}

// "2020-09-30T09:00:00Z" (or seconds since the epoch) -> "2020-09-30 17:00:00".
// Anything else is given back as it came.
export function beijingTime(value) {
  if (value == null || value === '') return ''
  const date = typeof value === 'number' ? new Date(value * 1000) : new Date(value)
  if (Number.isNaN(date.getTime())) return String(value)
  const p = parts(date)
  return `${p.year}-${p.month}-${p.day} ${p.hour}:${p.minute}:${p.second}`
}

// Today's date in Beijing, "YYYY-MM-DD".
export function todayBeijing(now = new Date()) {
  const p = parts(now)
  return `${p.year}-${p.month}-${p.day}`
}
