// Chinese labels for the API's enums (workbench.md "Dicts"), one map each.
import type { components } from '@/api/schema'
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
// 待复核婚姻登记: why a marriage is flagged for a registrar's review (docs/marriage.md; M-11, M-12, D-4, D-11).
export const MARRIAGE_REVIEW: Record<string, string> = {
  below_legal_age: '登记时未达当时法定婚龄', registered_after_death: '登记日期在当事人死亡（或被宣告死亡）之后',
  spouse_death_withdrawn: '配偶死亡登记已撤回（前婚姻待处理）',
}
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
export const OTHER_PARENT: Record<NonNullable<Schemas['PlacingParty']['other_parent']>, string> = {
  joins: '共同送养', unknown: '不明', untraceable: '查找不到', deceased: '已死亡',
}
export const GRANDPARENTS_PRIORITY: Record<Schemas['PriorRight']['outcome'], string> = {
  waived: '已书面放弃优先抚养权', none_living: '均已死亡', exercised: '主张优先抚养',
}
export const DOCUMENT_KIND: Record<Schemas['DocumentReference']['kind'], string> = {
  marital_status_statement: '婚姻状况证明', ability_statement: '抚养教育能力证明', children_statement: '子女情况声明',
  health_certificate: '体检证明', no_criminal_record: '无犯罪记录证明', finding_report: '捡拾报案证明',
  consent: '同意送养书面意见', intake_record: '社会福利机构接收记录', death_proof: '生父母死亡证明',
  declaration_judgment: '宣告死亡判决书', difficulty_proof: '生父母有特殊困难无力抚养的证明', kinship_proof: '亲属关系证明',
  disability_proof: '残疾证明',
}
export const APPLICATION_KIND: Record<Schemas['ReceiveApplication']['kind'], string> = { registration: '收养登记', dissolution: '解除收养关系' }
export const APPLICATION_OUTCOME: Record<string, string> = { registered: '已登记', dissolved: '已解除', refused: '不予登记' }

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

// 儿童档案 (docs/workbench.md): the child welfare body enums, typed against the OpenAPI document so that a new
// value fails the type check until it has its label.
type Schemas = components['schemas']
export const PARENT_CONDITION: Record<Schemas['ParentEntry']['condition'], string> = {
  none: '无（可履行抚养义务）', deceased: '死亡', declared_dead: '宣告死亡', declared_missing: '宣告失踪', untraceable: '查找不到',
  serious_disability: '重残', serious_illness: '重病', imprisoned: '服刑在押', compulsory_rehab: '强制隔离戒毒',
  detained: '被执行其他限制人身自由的措施', lost_contact: '失联', guardianship_revoked: '被撤销监护资格',
}
export const INSTITUTION: Record<NonNullable<Schemas['OpenFile']['institution']>, string> = {
  welfare_institution: '儿童福利院', minors_protection_centre: '未成年人救助保护中心',
}
export const TERMINATION_REASON: Record<Schemas['Terminate']['reason'], string> = {
  adult: '年满18周岁', death: '死亡', adoption: '被收养', adopted: '已办理收养登记', parent_condition_ended: '父母情况变化，不再符合条件',
  moved_away: '户籍迁出', other: '其他',
}
export const AGREEMENT_KIND: Record<Schemas['SignAgreement']['kind'], string> = { guardianship: '监护协议', entrusted_care: '委托照护协议' }
export const CHILD_STATUS: Record<string, string> = {
  applied: '待乡镇审核', checked: '待县级审批', confirmed: '保障中', rejected: '不予认定', terminated: '已终止',
}
export const CHILD_HISTORY: Record<string, string> = {
  'child_welfare.ChildFileOpened': '建档申请', 'child_welfare.TownshipCheckRecorded': '乡镇审核',
  'child_welfare.EligibilityConfirmed': '县级审批：认定', 'child_welfare.ApplicationRejected': '县级审批：不予认定',
  'child_welfare.ParentConditionChanged': '父母情况变更', 'child_welfare.CarePlacementChanged': '变更安置',
  'child_welfare.AgreementSigned': '签订协议', 'child_welfare.VisitRecorded': '走访', 'child_welfare.SupportTerminated': '终止保障',
  'child_welfare.AllowanceAdjusted': '保障金调整', 'child_welfare.GuardianChanged': '监护人变更',
  'child_welfare.HouseholdChanged': '户籍变更', 'child_welfare.FileReopened': '重新申请', 'child_welfare.ChildReclassified': '类别变更',
  'child_welfare.StudentStatusRecorded': '在校就读', 'child_welfare.ChildIdentified': '身份核实',
  'child_welfare.AssessmentOpened': '开始评估', 'child_welfare.TerminationCorrected': '终止更正',
}
export const TOWNSHIP_OUTCOME: Record<Schemas['RecordTownshipCheck']['outcome'], string> = { passed: '通过', failed: '不通过' }

// 走失人员登记 (V-10) and the settlement and extension of a stay (V-5, V-6).
export const WATCH_CONDITION: Record<Schemas['AddToWatchList']['condition'], string> = {
  dementia: '认知障碍（失智）', mental: '精神障碍', intellectual: '智力障碍', other: '其他',
}

/** F-6: how an unidentified body was identified (the funeral service's methods, not the relief station's). */
export const BODY_IDENTIFY_METHOD: Record<components['schemas']['IdentifyBody']['method'], string> = {
  dna: 'DNA比对', fingerprint: '指纹比对', family_recognition: '亲属辨认', documents: '证件', police: '公安认定', other: '其他',
}
