// Chinese labels for the API's enums (workbench.md "Dicts"), one map each.
export const CATEGORY: Record<string, string> = { orphan: '孤儿', de_facto_unattended: '事实无人抚养儿童' }
export const CARE: Record<string, string> = { dispersed: '散居', institution: '机构集中养育', foster: '家庭寄养' }
export const MARITAL_STATUS: Record<string, string> = { unmarried: '未婚', married: '已婚', divorced: '离婚', widowed: '丧偶' }
export const SERVICE: Record<string, string> = {
  marriage: '婚姻登记', child_welfare: '儿童福利', funeral: '殡葬管理', vagrant_aid: '救助管理', timeline: '人员档案',
}
export const SEX: Record<string, string> = { male: '男', female: '女' }
export const RELIEF_SOURCE: Record<string, string> = { patrol: '巡查发现', police: '公安护送', department: '部门转送', walk_in: '主动求助' }
export const RELIEF_FLAG: Record<string, string> = {
  minor: '未成年人', elderly: '老年人', disabled: '残疾', mental: '精神障碍', intellectual: '智力障碍',
  ill: '患病', injured: '受伤', infectious_suspected: '疑似传染病', pregnant: '孕妇',
}
export const RELIEF_SERVICE: Record<string, string> = {
  food: '饮食', lodging: '住宿', medical: '医疗', ticket: '返乡车票', cash: '现金', contact_family: '联系亲属',
}
export const FAMILY_SEARCH_STEP: Record<string, string> = { notice: '发布寻亲公告', dna_requested: '申请DNA比对', dna_result: 'DNA比对结果', match: '认领' }
export const IDENTIFY_METHOD: Record<string, string> = {
  self_reported: '本人陈述', documents: '证件', family: '亲属辨认', police: '公安核查', dna: 'DNA比对',
  face_recognition: '人像比对', fingerprint: '指纹比对', other: '其他',
}
export const EXIT_KIND: Record<string, string> = {
  self_departure: '自行离站', collected: '亲属领回', escorted: '护送返乡', transferred: '转送', absconded: '擅自离站',
  terminated: '终止救助', died: '死亡',
}
export const DEADLINE: Record<string, string> = { stay: '救助期限', notice: '寻亲公告', dna: 'DNA采样' }
export const BURIAL_TYPE: Record<string, string> = {
  body_single: '墓葬（单穴）', body_double: '墓葬（双穴）', ashes: '骨灰安葬', ashes_niche: '骨灰安放', tree: '树葬',
  lawn: '草坪葬', flower: '花坛葬', sea: '海葬', scattering: '撒散',
}
export const ACCOUNT_ROLE_OFFICE: Record<string, string> = {
  marriage_clerk: 'MR-', relief_staff: 'RS-', funeral_staff: 'FH-',
}
export const APPOINTMENT_STATUS: Record<string, string> = { booked: '已预约', cancelled: '已取消', missed: '未到' }
export const APPOINTMENT_KIND: Record<string, string> = { marriage: '结婚', divorce: '离婚' }
export const STAGE: Record<string, string> = {
  awaiting_township_check: '待乡镇审核', awaiting_decision: '待县级审批', confirmed: '保障中', terminated: '已终止',
}

/** Lists mask ID numbers (architecture.md): 610502********0011; the record being worked shows them in full. */
export function masked(id: string | null | undefined): string {
  if (!id) return ''
  return /^\d{17}[\dX]$/.test(id) ? `${id.slice(0, 6)}********${id.slice(14)}` : id
}
