import { createApp } from 'vue'
import { createPinia } from 'pinia'
import 'dayjs/locale/zh-cn'
import 'element-plus/theme-chalk/base.css'
import App from './App.vue'
import { router } from './router'
import { nameAnonymousDialogs } from './a11y'
import './styles.css'

createApp(App).use(createPinia()).use(router).mount('#app')
nameAnonymousDialogs()
