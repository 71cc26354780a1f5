// Puts the server's validation messages at the form fields they name:
// error.details[].path "/field" (or "/field/0", "field", "{field}") becomes
// errors.field; what names no field of the form is listed above it.
import { reactive, ref } from 'vue'

// `aliases` maps the names a service uses to the form's fields where they
// differ (the registry calls the village code "village").
export function fieldOf(path, fields, aliases = {}) {
  if (!path) return null
  let first = String(path).replace(/^[/?{]+/, '').split(/[/.}[]/)[0]
  if (aliases[first]) first = aliases[first]
  return fields.includes(first) ? first : null
}

export function useServerErrors(fields, aliases = {}) {
  const errors = reactive(Object.fromEntries(fields.map((f) => [f, ''])))
  const general = ref([])
  function clear() {
    for (const f of fields) errors[f] = ''
    general.value = []
  }
  // Returns true when the error was a validation error shown on the form.
  function show(e) {
    clear()
    if (!e || !e.details) return false
    for (const d of e.details) {
      const f = fieldOf(d.path, fields, aliases)
      if (f) errors[f] = errors[f] ? `${errors[f]}；${d.problem}` : d.problem
      else general.value.push(d.path ? `${d.path}: ${d.problem}` : d.problem)
    }
    if (!e.details.length) general.value.push(e.message)
    return true
  }
  return { errors, general, clear, show }
}
