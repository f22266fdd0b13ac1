// The refusal mapper (workbench.md §4): a problem+json answer → Chinese messages at the fields, above the
// form, and warnings. The messages come from the server's own catalogue, bundled at build time.
import catalogue from '@catalogue'
import { SERVICE } from './dicts'

export interface FieldError { loc: (string | number)[]; msg: string; code?: string }
export interface ProblemBody {
  type?: string; title?: string; status: number; detail?: string; code: string; errors?: FieldError[]
}
export interface MappedProblem {
  fields: Record<string, string> // el-form-item prop path → message
  alerts: string[] // errors that name no field, shown in an el-alert above the form
  warnings: string[] // warnings that rode along (dishonesty list, watch-list): yellow until 已阅
}

type Entry = { title: string; detail: string; rule?: string }
const messages = catalogue as Record<string, Entry>

export function hasMessage(code: string): boolean {
  return code in messages
}

/** "未达法定婚龄 (M-1)" for a code; an unknown code is shown as itself, never hidden. */
export function messageOf(code: string): string {
  const entry = messages[code]
  if (!entry) return `办理失败（${code}）`
  return entry.rule ? `${entry.title} (${entry.rule})` : entry.title
}

const WARNING_CODE = /^([a-z_]+):\s*(.*)$/

function warningText(msg: string): string {
  const match = WARNING_CODE.exec(msg)
  if (match && hasMessage(match[1])) return `${messageOf(match[1])}：${match[2]}`
  return msg
}

export function warningsOf(warnings: { code: string; message?: string }[] | undefined): string[] {
  return (warnings ?? []).map((w) => (hasMessage(w.code) ? `${messageOf(w.code)}：${w.message ?? ''}` : w.message ?? w.code))
}

export function mapProblem(problem: ProblemBody): MappedProblem {
  const mapped: MappedProblem = { fields: {}, alerts: [], warnings: [] }
  for (const error of problem.errors ?? []) {
    const loc = error.loc[0] === 'body' ? error.loc.slice(1) : error.loc
    if (loc[0] === 'warnings') {
      mapped.warnings.push(warningText(error.msg))
    } else if (loc[0] === 'reasons') {
      mapped.alerts.push(messageOf(error.code ?? error.msg)) // M-5: each broken rule, in reading order
    } else if (loc[0] === 'seen_alive') {
      // D-2: civreg saw the person alive after the missing or accident date — the service and the day
      mapped.alerts.push(`${messageOf(problem.code)}：${SERVICE[String(loc[2])] ?? loc[2]} ${error.msg} 有本人办理记录`)
    } else if (loc.length === 0) {
      mapped.alerts.push(messageOf(error.code ?? problem.code))
    } else {
      const prop = loc.join('.')
      const code = error.code ?? (problem.code === 'validation_failed' ? undefined : problem.code)
      mapped.fields[prop] ??= code ? messageOf(code) : `输入有误：${error.msg}`
    }
  }
  if (Object.keys(mapped.fields).length === 0 && mapped.alerts.length === 0) {
    mapped.alerts.push(messageOf(problem.code))
  }
  return mapped
}

/** The codes of one set of rules (`A-` for adoption's), for a refusal that names them, in catalogue order.
 * A code shared by several services lists each rule ("M-6, A-1, A-16"): any of them may be of the set. */
export function codesOfRules(prefix: string): string[] {
  return Object.keys(messages).filter((code) =>
    (messages[code].rule ?? '').split(/[,，]/).some((rule) => rule.trim().startsWith(prefix)))
}
