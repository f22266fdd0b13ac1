// The home page's counters (workbench.md §1, "Work queues with counts"): one declarative table per role — the
// queue's Chinese name, the list route that holds it, and the page that works it. Counts are the length of
// the server's first page (at most `limit`), never a rule computed here. `columns` are what the home page's
// table shows of the role's first queue (workbench.md §1), from the same list: ID numbers masked, codes as the
// server gives them.
import { APPOINTMENT_KIND, APPOINTMENT_STATUS, masked } from '@/dicts'

type Row = Record<string, unknown>
export interface Column { label: string; value: (row: Row) => string }
export interface Queue { key: string; title: string; list: string; items: string; page: string; roles: string[]; columns: Column[] }

const text = (v: unknown) => (v === null || v === undefined ? '' : String(v))
/** A field as the server gives it. */
const field = (prop: string, label: string): Column => ({ label, value: (row) => text(row[prop]) })
/** A code named by one of the workbench's dictionaries (dicts.ts). */
const named = (prop: string, label: string, names: Record<string, string>): Column => ({ label, value: (row) => names[text(row[prop])] ?? text(row[prop]) })
/** A person: the ID number masked (a list of them joined), else the record's subject id. */
const person = (prop: string, label: string): Column => ({
  label,
  value: (row) => {
    const v = row[prop]
    if (Array.isArray(v)) return v.map((x) => masked(typeof x === 'string' ? x : text((x as Row)?.id_number))).join('、')
    return v ? masked(text(v)) : text(row.subject_id)
  },
})
const DEATH = [person('id_number', '身份证号或编号'), field('died_on', '死亡日期')]
const CASE = [{ label: '姓名或编号', value: (row: Row) => text(row.name ?? row.subject_id) }, field('arrived_on', '到站日期'), field('days_in_care', '在站天数')]
const CHILD = [person('id_number', '儿童'), field('household_division', '户籍地'), field('applied_on', '申请日期')]
const CHILD_TASK = [field('subject_id', '儿童'), { label: '到期日', value: (row: Row) => text(row.due_on ?? row.on) }]

export const businessDay = () => new Date(Date.now() + 8 * 3600_000).toISOString().slice(0, 10) // the business day in China

export const QUEUES: Queue[] = [
  { key: 'appointments', title: '今日预约', list: '/v1/marriage/appointments?limit=500&date=', items: 'items', page: '/marriage/appointments', roles: ['marriage_clerk'], columns: [named('kind', '业务', APPOINTMENT_KIND), person('id_numbers', '当事人'), named('status', '状态', APPOINTMENT_STATUS)] },
  { key: 'registrable', title: '待办离婚登记', list: '/v1/marriage/divorces?state=registrable&limit=500', items: 'items', page: '/marriage/appointments', roles: ['marriage_clerk', 'marriage_registrar'], columns: [field('applied_on', '申请日期'), field('register_from', '可登记起'), field('register_until', '登记截止'), field('registration_id', '结婚登记编号')] },
  { key: 'declaration-reviews', title: '死亡日期待核对', list: '/v1/funeral/tasks', items: 'declaration_reviews', page: '/marriage/declaration-reviews', roles: ['marriage_registrar'], columns: [person('subject_id', '人员'), field('died_on', '登记死亡日期'), field('declared_died_on', '宣告死亡日期')] },
  { key: 'import-reviews', title: '待复核婚姻登记', list: '/v1/marriage/historical-records/review?limit=200', items: 'items', page: '/marriage/import-reviews', roles: ['marriage_registrar'], columns: [field('registered_on', '登记日期'), field('office', '登记机关'), person('parties', '当事人')] },
  { key: 'adoption-decisions', title: '逾期未决申请', list: '/v1/adoption/tasks', items: 'overdue_decisions', page: '/adoption/applications', roles: ['adoption_registrar'], columns: [person('child_id_number', '被收养人'), field('received_on', '受理日期'), field('due_on', '应办结日期')] },
  { key: 'adoption-assessments', title: '评估报告逾期', list: '/v1/adoption/tasks', items: 'late_assessments', page: '/adoption/applications', roles: ['adoption_registrar'], columns: [person('adopters', '收养人'), field('consented_on', '同意评估日期'), field('due_on', '报告应出具日期')] },
  { key: 'decisions', title: '待县级审批', list: '/v1/child-welfare/children?stage=awaiting_decision&limit=500', items: 'items', page: '/child-welfare/files', roles: ['child_welfare_officer'], columns: CHILD },
  { key: 'overdue-visits', title: '走访到期', list: '/v1/child-welfare/tasks', items: 'overdue_visits', page: '/child-welfare/tasks', roles: ['child_welfare_officer'], columns: CHILD_TASK },
  { key: 'renewals', title: '协议待续签', list: '/v1/child-welfare/tasks', items: 'agreement_renewals', page: '/child-welfare/tasks', roles: ['child_welfare_officer'], columns: CHILD_TASK },
  { key: 'turning-18', title: '90日内年满18周岁', list: '/v1/child-welfare/tasks', items: 'turning_18', page: '/child-welfare/tasks', roles: ['child_welfare_officer'], columns: CHILD_TASK },
  { key: 'township', title: '待乡镇审核', list: '/v1/child-welfare/children?stage=awaiting_township_check&limit=500', items: 'items', page: '/child-welfare/township-checks', roles: ['township_officer'], columns: CHILD },
  { key: 'in-care', title: '在站人数', list: '/v1/vagrant-aid/cases?status=open&limit=500', items: 'cases', page: '/vagrant-aid/cases', roles: ['relief_staff'], columns: CASE },
  { key: 'stranded', title: '滞留', list: '/v1/vagrant-aid/cases?status=open&stranded=true&limit=500', items: 'cases', page: '/vagrant-aid/cases', roles: ['relief_staff'], columns: CASE },
  { key: 'notice', title: '寻亲公告逾期', list: '/v1/vagrant-aid/cases?overdue=notice&limit=500', items: 'cases', page: '/vagrant-aid/cases', roles: ['relief_staff'], columns: CASE },
  { key: 'dna', title: 'DNA 待采逾期', list: '/v1/vagrant-aid/cases?overdue=dna&limit=500', items: 'cases', page: '/vagrant-aid/cases', roles: ['relief_staff'], columns: CASE },
  { key: 'cremation', title: '待火化', list: '/v1/funeral/deaths?awaiting=cremation&limit=500', items: 'items', page: '/funeral/work', roles: ['funeral_staff'], columns: DEATH },
  { key: 'claim', title: '待发认领公告', list: '/v1/funeral/deaths?awaiting=claim&limit=500', items: 'items', page: '/funeral/work', roles: ['funeral_staff'], columns: DEATH },
  { key: 'plot-terms', title: '墓位即将到期', list: '/v1/funeral/plots?limit=500', items: 'items', page: '/funeral/work', roles: ['funeral_staff'], columns: [field('cemetery', '公墓'), field('number', '墓位'), field('term_until', '使用期限至')] },
  { key: 'disposal', title: '待处置审批', list: '/v1/funeral/deaths?awaiting=disposal&limit=500', items: 'items', page: '/funeral/work', roles: ['funeral_staff'], columns: [field('subject_id', '编号'), field('claim_notice_on', '公告日期'), field('disposal_from', '可处置日期')] },
]

export function queuesOf(role: string): Queue[] {
  return QUEUES.filter((q) => q.roles.includes(role))
}

export function listUrl(queue: Queue): string {
  return queue.list.endsWith('date=') ? queue.list + businessDay() : queue.list
}
