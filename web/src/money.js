// The one money formatter of the UI (docs/API.md "Money"). The API gives money
// in two forms: integer fen (registry facts such as household incomes,
// entitlement and reconciliation amounts: `*_income`, `amount`, `poverty_line`)
// and yuan as a decimal string (`amount_yuan`, needs and pledges). Both are
// shown the same way: "7,143.45 元" (zh-CN grouping, two decimals).
const FORMAT = { minimumFractionDigits: 2, maximumFractionDigits: 2 }

// 714345 (fen) -> "7,143.45". '' for null/undefined.
export function fenText(fen) {
  if (fen == null || fen === '') return ''
  return (Number(fen) / 100).toLocaleString('zh-CN', FORMAT)
}

// "600.00" or 600 (yuan) -> "600.00". '' for null/undefined/''.
export function yuanText(yuan) {
  if (yuan == null || yuan === '') return ''
  return Number(yuan).toLocaleString('zh-CN', FORMAT)
}

// With the unit: "7,143.45 元" ('' when there is no amount).
export const fenWithUnit = (fen) => (fen == null || fen === '' ? '' : `${fenText(fen)} 元`)
export const yuanWithUnit = (yuan) => (yuan == null || yuan === '' ? '' : `${yuanText(yuan)} 元`)
