// Chinese labels for the API's enums (workbench.md "Dicts"), one map each.
export const CATEGORY: Record<string, string> = { orphan: '孤儿', de_facto_unattended: '事实无人抚养儿童' }
export const CARE: Record<string, string> = { dispersed: '散居', institution: '机构集中养育', foster: '家庭寄养' }
export const MARITAL_STATUS: Record<string, string> = { unmarried: '未婚', married: '已婚', divorced: '离婚', widowed: '丧偶' }
export const SERVICE: Record<string, string> = {
  marriage: '婚姻登记', child_welfare: '儿童福利', funeral: '殡葬管理', vagrant_aid: '救助管理', timeline: '人员档案',
}
