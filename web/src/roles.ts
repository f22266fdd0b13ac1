// Chinese names of the roles of api.md (one typed map: a role missing here fails the type check).
export const ROLE_NAMES: Record<string, string> = {
  marriage_clerk: '婚姻登记员',
  marriage_registrar: '婚姻登记管理员',
  adoption_registrar: '收养登记员',
  child_welfare_officer: '儿童福利工作人员',
  township_officer: '乡镇民政助理员',
  relief_staff: '救助站工作人员',
  funeral_staff: '殡仪馆工作人员',
  admin: '系统管理员',
  oversight: '监督人员',
}
