// One static route table, `meta: {title, roles}`, filtered by the signed-in role for the menu. The menu is a
// convenience; the server's 403 is the guard. No personal data in any URL: records go by their ids.
import { createRouter, createWebHistory, type RouteRecordRaw } from 'vue-router'
import { useSession } from '@/stores/session'
import Layout from '@/layout/Layout.vue'
import Login from '@/views/Login.vue'

const MARRIAGE = ['marriage_clerk', 'marriage_registrar']
const CHILD = ['child_welfare_officer']
const PERSON = ['marriage_clerk', 'marriage_registrar', 'child_welfare_officer', 'relief_staff', 'funeral_staff', 'oversight']

export const pages: RouteRecordRaw[] = [
  { path: '', name: 'home', component: () => import('@/views/Home.vue'), meta: { title: '工作台', roles: [] } },
  { path: 'marriage/registration', name: 'marriage-register', component: () => import('@/views/marriage/Register.vue'), meta: { title: '结婚登记', roles: ['marriage_clerk'] } },
  { path: 'marriage/registrations/:id', name: 'marriage-record', component: () => import('@/views/marriage/Record.vue'), meta: { title: '登记记录', roles: MARRIAGE, hidden: true } },
  { path: 'marriage/divorce', name: 'marriage-divorce', component: () => import('@/views/marriage/Divorce.vue'), meta: { title: '离婚登记', roles: ['marriage_clerk'] } },
  { path: 'marriage/status', name: 'marriage-status', component: () => import('@/views/marriage/Status.vue'), meta: { title: '婚姻状况查询', roles: MARRIAGE } },
  { path: 'child-welfare/tasks', name: 'cw-tasks', component: () => import('@/views/child-welfare/Tasks.vue'), meta: { title: '待办事项', roles: CHILD } },
  { path: 'child-welfare/allowances', name: 'cw-allowances', component: () => import('@/views/child-welfare/Allowances.vue'), meta: { title: '保障金明细', roles: CHILD } },
  { path: 'child-welfare/payroll', name: 'cw-payroll', component: () => import('@/views/child-welfare/Payroll.vue'), meta: { title: '发放明细', roles: CHILD } },
  { path: 'persons', name: 'person', component: () => import('@/views/Person.vue'), meta: { title: '人员档案', roles: PERSON } },
  { path: 'access-log', name: 'access-log', component: () => import('@/views/AccessLog.vue'), meta: { title: '访问日志', roles: ['oversight'] } },
]

const routes: RouteRecordRaw[] = [
  { path: '/login', name: 'login', component: Login, meta: { title: '登录' } },
  { path: '/', component: Layout, children: pages },
  { path: '/:rest(.*)*', redirect: '/' },
]

export const router = createRouter({ history: createWebHistory(), routes })

router.beforeEach(async (to) => {
  const session = useSession()
  if (to.name === 'login') return true
  if (!session.signedIn && !(await session.refresh())) {
    return { name: 'login', query: to.fullPath === '/' ? {} : { redirect: to.fullPath } }
  }
  return true
})

router.afterEach((to) => {
  document.title = `${(to.meta.title as string) ?? ''} · 民政业务工作台` // never a name or ID number
})
