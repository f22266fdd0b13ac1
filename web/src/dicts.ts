// Chinese labels for the API's enums (workbench.md "Dicts"), one map each.
export const CATEGORY: Record<string, string> = { orphan: '孤儿', de_facto_unattended: '事实无人抚养儿童' }
export const CARE: Record<string, string> = { dispersed: '散居', institution: '机构集中养育', foster: '家庭寄养' }
export const MARITAL_STATUS: Record<string, string> = { unmarried: '未婚', married: '已婚', divorced: '离婚', widowed: '丧偶' }
export const SERVICE: Record<string, string> = {
  marriage: '婚姻登记', child_welfare: '儿童福利', funeral: '殡葬管理', vagrant_aid: '救助管理', timeline: '人员档案',
  adoption: '收养登记',
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

// 收养登记 (docs/adoption.md): the registration body's enums and the record's states.
export const ADOPTION_SITUATION: Record<'orphan' | 'parents_unknown' | 'parents_in_difficulty', string> = {
  orphan: '孤儿', parents_unknown: '查找不到生父母', parents_in_difficulty: '生父母有特殊困难无力抚养',
}
export const PLACING_KIND: Record<'guardian' | 'parent' | 'institution', string> = {
  guardian: '监护人', parent: '生父母', institution: '社会福利机构',
}
export const ADOPTION_RELATION: Record<'none' | 'collateral_relative' | 'step_parent', string> = {
  none: '无', collateral_relative: '三代以内旁系同辈血亲', step_parent: '继父母',
}
export const ASSESSMENT_OUTCOME: Record<'suitable' | 'unsuitable', string> = { suitable: '适合', unsuitable: '不适合' }
export const ADOPTION_STATUS: Record<string, string> = { registered: '收养关系存续', dissolved: '已解除', void: '已确认无效或撤销' }
export const DISSOLUTION_BY: Record<'agreement' | 'court', string> = { agreement: '协议解除', court: '判决解除' }
export const NOTICE_STATUS: Record<string, string> = { running: '公告期内', ended: '公告期满', claimed: '已认领' }

// 宣告死亡/失踪 (docs/declarations.md): kinds, grounds and the effects each service gives a declaration.
export const DECLARATION_KIND: Record<'death' | 'missing', string> = { death: '宣告死亡', missing: '宣告失踪' }
export const DECLARATION_GROUND: Record<'missing_four_years' | 'accident_two_years' | 'accident_certified', string> = {
  missing_four_years: '下落不明满四年', accident_two_years: '因意外事件下落不明满二年',
  accident_certified: '因意外事件下落不明，经有关机关证明不可能生存',
}
export const DECLARATION_EFFECT: Record<string, string> = {
  declared_missing: '宣告失踪', parent_declared_missing: '父母一方被宣告失踪',
  'none: a divorce suit of the spouse is granted (1079)': '婚姻关系不受影响（配偶可诉讼离婚）',
  deceased_declared: '按宣告死亡认定死亡（不作死亡登记）', marriage_dissolved: '婚姻关系自判决之日起消除，配偶为丧偶',
  parent_declared_dead: '父母一方被宣告死亡', death_basis_declared: '死亡依据：宣告死亡',
  marriage_revived_unless_remarried_or_refused: '婚姻关系自行恢复（配偶再婚或书面声明不愿恢复的除外）',
  staff_alerted_if_open_case: '在站救助个案提醒工作人员',
}

/** Lists mask ID numbers (architecture.md): 610502********0011; the record being worked shows them in full. */
export function masked(id: string | null | undefined): string {
  if (!id) return ''
  return /^\d{17}[\dX]$/.test(id) ? `${id.slice(0, 6)}********${id.slice(14)}` : id
}
