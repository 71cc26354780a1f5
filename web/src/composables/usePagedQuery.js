// The "load on filter change" half of a page with filters, tabs and a paged
// list (components/FilteredTable.vue draws the other half): the tab and the
// page number kept in the address, loading with its error, and what a
// search, a page change or a tab change does.
//
//   const q = usePagedQuery({
//     tabs: ['summary', 'findings'],          // or a computed list; the first is the default
//     pageSize: 50,
//     filters: { area, year, check },         // refs, written to the address on a search
//     load: async ({ tab, limit, offset }) => { ... },  // fetches what the tab shows
//     clear: () => { summary.value = null },  // forgets what was shown, before a search
//   })
//   q.tab (read and write), q.pageNo, q.loading, q.error,
//   q.search(extraQuery), q.goPage(n), q.reload()
//
// The tab's content is loaded when the page opens and whenever the tab
// changes. A filter left empty ('' or null) is left out of the address.
import { computed, ref, unref, watch } from 'vue'
import { useRoute, useRouter } from 'vue-router'
import { useI18n } from 'vue-i18n'

export function usePagedQuery({ tabs = [], pageSize = 20, filters = {}, load, clear }) {
  const route = useRoute()
  const router = useRouter()
  const { t } = useI18n()
  const tabNames = computed(() => unref(tabs))
  const tab = computed({
    get: () => (tabNames.value.includes(route.query.tab) ? route.query.tab : tabNames.value[0]),
    set: (v) => router.replace({ query: { ...route.query, tab: v } }),
  })
  const pageNo = ref(Number(route.query.page) || 1)
  const loading = ref(false)
  const error = ref('')

  async function reload() {
    loading.value = true
    error.value = ''
    try {
      await load({ tab: tab.value, limit: pageSize, offset: (pageNo.value - 1) * pageSize })
    } catch (e) {
      error.value = t('common.loadFailed', { msg: e.message })
    } finally {
      loading.value = false
    }
  }
  // The filters as they stand now: back to page 1, into the address, and loaded.
  function search(extraQuery = {}) {
    pageNo.value = 1
    const query = { ...route.query, page: 1, ...extraQuery }
    for (const [name, value] of Object.entries(filters)) {
      const v = unref(value)
      query[name] = v === '' || v === null || v === undefined ? undefined : v
    }
    router.replace({ query })
    if (clear) clear()
    return reload()
  }
  function goPage(n) {
    pageNo.value = n
    router.replace({ query: { ...route.query, page: n } })
    return reload()
  }
  watch(tab, reload, { immediate: true })
  return { tab, pageNo, pageSize, loading, error, reload, search, goPage }
}
