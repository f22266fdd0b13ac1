// One static route table, `meta: {title, roles}`, filtered by the signed-in role for the menu. The menu is a
// convenience; the server's 403 is the guard. No personal data in any URL: records go by their ids.
import { createRouter, createWebHistory, type RouteRecordRaw } from 'vue-router'
import { useSession } from '@/stores/session'
import Layout from '@/layout/Layout.vue'
import Login from '@/views/Login.vue'

const MARRIAGE = ['marriage_clerk', 'marriage_registrar']
const CHILD = ['child_welfare_officer']
const REGISTRAR = ['marriage_registrar']
const RELIEF = ['relief_staff']
const FUNERAL = ['funeral_staff']
const ADMIN = ['admin']
const ADOPTION = ['adoption_registrar']
const PERSON = ['marriage_clerk', 'marriage_registrar', 'adoption_registrar', 'child_welfare_officer', 'relief_staff', 'funeral_staff', 'oversight']

export const pages: RouteRecordRaw[] = [
  { path: '', name: 'home', component: () => import('@/views/Home.vue'), meta: { title: '工作台', roles: [] } },
  { path: 'marriage/appointments', name: 'marriage-appointments', component: () => import('@/views/marriage/Appointments.vue'), meta: { title: '今日预约', roles: MARRIAGE } },
  { path: 'marriage/registration', name: 'marriage-register', component: () => import('@/views/marriage/Register.vue'), meta: { title: '结婚登记', roles: ['marriage_clerk'] } },
  { path: 'marriage/registrations/:id', name: 'marriage-record', component: () => import('@/views/marriage/Record.vue'), meta: { title: '登记记录', roles: MARRIAGE, hidden: true } },
  { path: 'marriage/divorce', name: 'marriage-divorce', component: () => import('@/views/marriage/Divorce.vue'), meta: { title: '离婚登记', roles: ['marriage_clerk'] } },
  { path: 'marriage/status', name: 'marriage-status', component: () => import('@/views/marriage/Status.vue'), meta: { title: '婚姻状况查询', roles: MARRIAGE } },
  { path: 'marriage/record-statements', name: 'marriage-record-statement', component: () => import('@/views/marriage/RecordStatement.vue'), meta: { title: '婚姻登记记录证明', roles: ['marriage_clerk'] } },
  { path: 'marriage/certificate-stock', name: 'marriage-stock', component: () => import('@/views/marriage/CertificateStock.vue'), meta: { title: '空白证管理', roles: ['marriage_clerk'] } },
  { path: 'marriage/numbering-audit', name: 'marriage-numbering-audit', component: () => import('@/views/marriage/NumberingAudit.vue'), meta: { title: '字号稽核', roles: MARRIAGE } },
  { path: 'marriage/registrar', name: 'marriage-registrar', component: () => import('@/views/marriage/Registrar.vue'), meta: { title: '撤销登记与法院判决', roles: REGISTRAR } },
  { path: 'marriage/declarations', name: 'court-declarations', component: () => import('@/views/marriage/Declarations.vue'), meta: { title: '宣告死亡/失踪', roles: REGISTRAR } },
  { path: 'marriage/declaration-reviews', name: 'declaration-reviews', component: () => import('@/views/marriage/DeclarationReviews.vue'), meta: { title: '死亡日期待核对', roles: REGISTRAR } },
  { path: 'marriage/death-withdrawal', name: 'death-withdrawal', component: () => import('@/views/marriage/DeathWithdrawal.vue'), meta: { title: '撤回死亡登记', roles: REGISTRAR } },
  { path: 'marriage/import', name: 'marriage-import', component: () => import('@/views/marriage/Import.vue'), meta: { title: '历史档案补录', roles: REGISTRAR } },
  { path: 'marriage/import-reviews', name: 'import-reviews', component: () => import('@/views/marriage/ImportReviews.vue'), meta: { title: '待复核婚姻登记', roles: REGISTRAR } },
  { path: 'marriage/statistics', name: 'marriage-statistics', component: () => import('@/views/marriage/Statistics.vue'), meta: { title: '婚姻登记统计', roles: MARRIAGE } },
  { path: 'adoption/assessment', name: 'adoption-assessment', component: () => import('@/views/adoption/Assessment.vue'), meta: { title: '收养评估与公告', roles: ADOPTION } },
  { path: 'adoption/registration', name: 'adoption-register', component: () => import('@/views/adoption/Register.vue'), meta: { title: '收养登记', roles: ADOPTION } },
  { path: 'adoption/registrations', name: 'adoption-registrations', component: () => import('@/views/adoption/Registrations.vue'), meta: { title: '收养登记记录', roles: ADOPTION } },
  { path: 'adoption/dissolution', name: 'adoption-dissolution', component: () => import('@/views/adoption/Dissolve.vue'), meta: { title: '解除收养登记', roles: ADOPTION } },
  { path: 'adoption/applications', name: 'adoption-applications', component: () => import('@/views/adoption/Applications.vue'), meta: { title: '收养申请', roles: ADOPTION } },
  { path: 'adoption/registrations/:id', name: 'adoption-record', component: () => import('@/views/adoption/Record.vue'), meta: { title: '收养记录', roles: ADOPTION, hidden: true } },
  { path: 'child-welfare/tasks', name: 'cw-tasks', component: () => import('@/views/child-welfare/Tasks.vue'), meta: { title: '待办事项', roles: CHILD } },
  { path: 'child-welfare/allowances', name: 'cw-allowances', component: () => import('@/views/child-welfare/Allowances.vue'), meta: { title: '保障金明细', roles: CHILD } },
  { path: 'child-welfare/payroll', name: 'cw-payroll', component: () => import('@/views/child-welfare/Payroll.vue'), meta: { title: '发放明细', roles: CHILD } },
  { path: 'child-welfare/new', name: 'cw-open', component: () => import('@/views/child-welfare/OpenFile.vue'), meta: { title: '建档', roles: CHILD } },
  { path: 'child-welfare/children/:id', name: 'cw-file', component: () => import('@/views/child-welfare/ChildFile.vue'), meta: { title: '儿童档案', roles: CHILD, hidden: true } },
  { path: 'child-welfare/township-checks', name: 'cw-township', component: () => import('@/views/child-welfare/TownshipChecks.vue'), meta: { title: '待乡镇审核', roles: ['township_officer'] } },
  { path: 'child-welfare/files', name: 'cw-files', component: () => import('@/views/child-welfare/Files.vue'), meta: { title: '档案列表', roles: CHILD } },
  { path: 'vagrant-aid/intake', name: 'relief-intake', component: () => import('@/views/relief/Intake.vue'), meta: { title: '救助登记', roles: RELIEF } },
  { path: 'vagrant-aid/refusals', name: 'relief-refusal', component: () => import('@/views/relief/Refusal.vue'), meta: { title: '不予救助', roles: RELIEF } },
  { path: 'vagrant-aid/cases', name: 'relief-cases', component: () => import('@/views/relief/Cases.vue'), meta: { title: '在站人员', roles: RELIEF } },
  { path: 'vagrant-aid/cases/:id', name: 'relief-case', component: () => import('@/views/relief/Case.vue'), meta: { title: '救助个案', roles: RELIEF, hidden: true } },
  { path: 'vagrant-aid/watchlist', name: 'relief-watchlist', component: () => import('@/views/relief/Watchlist.vue'), meta: { title: '走失人员登记', roles: RELIEF } },
  { path: 'vagrant-aid/statistics', name: 'relief-statistics', component: () => import('@/views/relief/Statistics.vue'), meta: { title: '救助统计', roles: RELIEF } },
  { path: 'funeral/death', name: 'funeral-death', component: () => import('@/views/funeral/Death.vue'), meta: { title: '死亡登记', roles: FUNERAL } },
  { path: 'funeral/records', name: 'funeral-records', component: () => import('@/views/funeral/Records.vue'), meta: { title: '死亡记录', roles: FUNERAL } },
  { path: 'funeral/work', name: 'funeral-work', component: () => import('@/views/funeral/Work.vue'), meta: { title: '火化与安葬', roles: FUNERAL } },
  { path: 'funeral/statistics', name: 'funeral-statistics', component: () => import('@/views/funeral/Statistics.vue'), meta: { title: '殡葬统计', roles: [...FUNERAL, ...ADMIN] } },
  { path: 'admin/accounts', name: 'admin-accounts', component: () => import('@/views/admin/Accounts.vue'), meta: { title: '账号管理', roles: ADMIN } },
  { path: 'admin/cemeteries', name: 'admin-cemeteries', component: () => import('@/views/admin/Cemeteries.vue'), meta: { title: '公墓与墓位', roles: ADMIN } },
  { path: 'funeral/cemetery-usage', name: 'funeral-cemetery-usage', component: () => import('@/views/funeral/CemeteryUsage.vue'), meta: { title: '公墓使用情况', roles: [...FUNERAL, ...ADMIN] } },
  { path: 'admin/standards', name: 'admin-standards', component: () => import('@/views/admin/Standards.vue'), meta: { title: '保障标准', roles: ADMIN } },
  { path: 'indicators', name: 'indicators', component: () => import('@/views/Indicators.vue'), meta: { title: '规划指标', roles: ['admin', 'oversight'] } },
  { path: 'sign-ins', name: 'sign-ins', component: () => import('@/views/SignIns.vue'), meta: { title: '登录日志', roles: ['admin', 'oversight'] } },
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
