// True on a phone-sized screen (the width cadres have in the village).
import { ref, onMounted, onBeforeUnmount } from 'vue'

const QUERY = '(max-width: 768px)'

export function useIsPhone() {
  const isPhone = ref(window.matchMedia(QUERY).matches)
  let mq
  const update = () => (isPhone.value = mq.matches)
  onMounted(() => {
    mq = window.matchMedia(QUERY)
    mq.addEventListener('change', update)
    update()
  })
  onBeforeUnmount(() => mq && mq.removeEventListener('change', update))
  return isPhone
}
