// A batch the server runs as a job (docs/API.md, Jobs): the page starts it
// with ?async=true and gets 202 with the job; this follows it with
// GET /jobs/{id} until it is done or failed, and keeps the id of the page's
// latest job in sessionStorage, so that leaving the page and coming back
// finds the job still running, or shows its result again (onDone's second
// argument is then { again: true }, for the page to skip its message).
//
//   const job = useJob('policies.run', { onDone: (result, { again }) => ..., onFailed: (apiError) => ... })
//   await job.start(() => request('POST', '/entitlements/runs', { query: { async: true }, body }))
//   job.job (the latest state), job.active, job.percent, job.stageText
import { computed, onMounted, onUnmounted, ref } from 'vue'
import { useI18n } from 'vue-i18n'
import { api, ApiError } from '../api.js'

const POLL_MS = 500

export function useJob(key, { onDone = () => {}, onFailed = () => {} } = {}) {
  const { t, locale } = useI18n()
  const storageKey = `fupin.job.${key}`
  const job = ref(null)
  let timer = null
  let gone = false
  let resumed = false // following a job started before the page was opened

  const active = computed(() => !!job.value && (job.value.state === 'queued' || job.value.state === 'running'))
  const percent = computed(() => (job.value ? job.value.progress.percent : 0))
  // The stage in the UI's language: the server's Chinese name, or the key in English.
  const stageText = computed(() => {
    if (!job.value) return ''
    const p = job.value.progress
    const name = locale.value === 'en' ? p.stage : p.stage_zh
    if (job.value.state === 'done') return t('job.done')
    return p.total > 0 ? `${name} ${p.done}/${p.total}` : name
  })

  function finish(j) {
    if (j.state === 'done') {
      onDone(j.result, { again: resumed })
    } else {
      sessionStorage.removeItem(storageKey)
      onFailed(new ApiError(j.error ? j.error.status : 500, { error: j.error }))
    }
  }

  async function poll() {
    timer = null
    if (gone || !job.value) return
    try {
      job.value = await api.get(`/jobs/${job.value.id}`)
    } catch (e) {
      if (gone) return
      if (!(e instanceof ApiError)) {
        // No answer from the server: the network, or the browser cancelling the
        // request because the page is being left (a full navigation does not
        // unmount it). The id stays for the return; ask again later.
        timer = setTimeout(poll, POLL_MS * 4)
        return
      }
      // Gone (a restart of the server forgets its jobs) or not ours.
      sessionStorage.removeItem(storageKey)
      job.value = null
      onFailed(e)
      return
    }
    if (active.value) timer = setTimeout(poll, POLL_MS)
    else finish(job.value)
  }

  // `send` returns the request's promise ({data} of request(), or the data itself).
  async function start(send) {
    const r = await send()
    job.value = r && r.data && r.data.progress ? r.data : r
    resumed = false
    sessionStorage.setItem(storageKey, String(job.value.id))
    timer = setTimeout(poll, POLL_MS / 5)
  }

  onMounted(() => {
    const id = sessionStorage.getItem(storageKey)
    if (!id) return
    job.value = { id: Number(id), state: 'queued', progress: { stage: 'queued', stage_zh: '排队等待', done: 0, total: 0, percent: 0 } }
    resumed = true
    poll()
  })
  onUnmounted(() => {
    gone = true
    if (timer) clearTimeout(timer)
  })

  return { job, active, percent, stageText, start }
}
