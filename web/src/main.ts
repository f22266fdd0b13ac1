import { createApp } from 'vue'
import { createPinia } from 'pinia'
import 'dayjs/locale/zh-cn'
import 'element-plus/theme-chalk/base.css'
// ElMessage and ElMessageBox are called from scripts, where the on-demand resolver adds no styles: theirs here.
import 'element-plus/theme-chalk/el-message.css'
import 'element-plus/theme-chalk/el-message-box.css'
import 'element-plus/theme-chalk/el-overlay.css'
import App from './App.vue'
import { router } from './router'
import { nameAnonymousDialogs } from './a11y'
import './styles.css'

createApp(App).use(createPinia()).use(router).mount('#app')
nameAnonymousDialogs()
