// The home page's counters (workbench.md §1, "Work queues with counts"): one declarative table per role — the
// queue's Chinese name, the list route that holds it, and the page that works it. Counts are the length of
// the server's first page (at most `limit`), never a rule computed here.
export interface Queue { key: string; title: string; list: string; items: string; page: string; roles: string[] }

export const businessDay = () => new Date(Date.now() + 8 * 3600_000).toISOString().slice(0, 10) // the business day in China

export const QUEUES: Queue[] = [
  { key: 'appointments', title: '今日预约', list: '/v1/marriage/appointments?limit=500&date=', items: 'items', page: '/marriage/appointments', roles: ['marriage_clerk'] },
  { key: 'registrable', title: '待办离婚登记', list: '/v1/marriage/divorces?state=registrable&limit=500', items: 'items', page: '/marriage/appointments', roles: ['marriage_clerk', 'marriage_registrar'] },
  { key: 'declaration-reviews', title: '死亡日期待核对', list: '/v1/funeral/tasks', items: 'declaration_reviews', page: '/marriage/declaration-reviews', roles: ['marriage_registrar'] },
  { key: 'import-reviews', title: '补录待复核', list: '/v1/marriage/historical-records/review?limit=200', items: 'items', page: '/marriage/import-reviews', roles: ['marriage_registrar'] },
  { key: 'adoption-decisions', title: '逾期未决申请', list: '/v1/adoption/tasks', items: 'overdue_decisions', page: '/adoption/applications', roles: ['adoption_registrar'] },
  { key: 'adoption-assessments', title: '评估报告逾期', list: '/v1/adoption/tasks', items: 'late_assessments', page: '/adoption/applications', roles: ['adoption_registrar'] },
  { key: 'decisions', title: '待县级审批', list: '/v1/child-welfare/children?stage=awaiting_decision&limit=500', items: 'items', page: '/child-welfare/files', roles: ['child_welfare_officer'] },
  { key: 'overdue-visits', title: '走访到期', list: '/v1/child-welfare/tasks', items: 'overdue_visits', page: '/child-welfare/tasks', roles: ['child_welfare_officer'] },
  { key: 'renewals', title: '协议待续签', list: '/v1/child-welfare/tasks', items: 'agreement_renewals', page: '/child-welfare/tasks', roles: ['child_welfare_officer'] },
  { key: 'turning-18', title: '90日内年满18周岁', list: '/v1/child-welfare/tasks', items: 'turning_18', page: '/child-welfare/tasks', roles: ['child_welfare_officer'] },
  { key: 'township', title: '待乡镇审核', list: '/v1/child-welfare/children?stage=awaiting_township_check&limit=500', items: 'items', page: '/child-welfare/township-checks', roles: ['township_officer'] },
  { key: 'in-care', title: '在站人数', list: '/v1/vagrant-aid/cases?status=open&limit=500', items: 'cases', page: '/vagrant-aid/cases', roles: ['relief_staff'] },
  { key: 'stranded', title: '滞留', list: '/v1/vagrant-aid/cases?status=open&stranded=true&limit=500', items: 'cases', page: '/vagrant-aid/cases', roles: ['relief_staff'] },
  { key: 'notice', title: '寻亲公告逾期', list: '/v1/vagrant-aid/cases?overdue=notice&limit=500', items: 'cases', page: '/vagrant-aid/cases', roles: ['relief_staff'] },
  { key: 'dna', title: 'DNA 待采逾期', list: '/v1/vagrant-aid/cases?overdue=dna&limit=500', items: 'cases', page: '/vagrant-aid/cases', roles: ['relief_staff'] },
  { key: 'cremation', title: '待火化', list: '/v1/funeral/deaths?awaiting=cremation&limit=500', items: 'items', page: '/funeral/work', roles: ['funeral_staff'] },
  { key: 'claim', title: '待发认领公告', list: '/v1/funeral/deaths?awaiting=claim&limit=500', items: 'items', page: '/funeral/work', roles: ['funeral_staff'] },
  { key: 'plot-terms', title: '墓位即将到期', list: '/v1/funeral/plots?limit=500', items: 'items', page: '/funeral/work', roles: ['funeral_staff'] },
  { key: 'disposal', title: '待处置审批', list: '/v1/funeral/deaths?awaiting=disposal&limit=500', items: 'items', page: '/funeral/work', roles: ['funeral_staff'] },
]

export function queuesOf(role: string): Queue[] {
  return QUEUES.filter((q) => q.roles.includes(role))
}

export function listUrl(queue: Queue): string {
  return queue.list.endsWith('date=') ? queue.list + businessDay() : queue.list
}
