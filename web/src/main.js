import { createApp } from 'vue'
import ElementPlus from 'element-plus'
import 'element-plus/dist/index.css'
import * as Icons from '@element-plus/icons-vue'
import App from './App.vue'
import { router } from './router.js'
import { i18n } from './i18n.js'
import { loadVocabularies } from './vocab.js'
import './style.css'

const app = createApp(App)
for (const [name, component] of Object.entries(Icons)) app.component(name, component)
app.use(ElementPlus)
app.use(i18n)
app.use(router)
// The closed sets' Chinese labels come from the server, once, before the first page.
loadVocabularies().finally(() => app.mount('#app'))
