// The names of division and place codes (workbench.md §1 top bar, §4 ID-number field): from names.zh-CN.json,
// exported from the server's one definition of divisions and place nouns by `civreg docs names` (no reference
// route: the client names places offline, as it shows refusals from the problem catalogue).
import names from './names.zh-CN.json'

interface Names {
  divisions: Record<string, { name: string; abolished_after?: string }>
  places: Record<string, string>
  relief_point: string
}
const NAMES = names as Names

/** The name of a six-digit division code: the city's counties (an abolished one marked 已撤销: an ID number keeps
 * its old address code), the city, or — outside the city — the province it lies in; null for an unknown code. */
export function divisionName(code: string): string | null {
  if (!/^[0-9]{6}$/.test(code)) return null
  const known = NAMES.divisions[code]
  if (known) return known.abolished_after ? `${known.name}（已撤销）` : known.name
  const province = NAMES.divisions[`${code.slice(0, 2)}0000`]
  return province ? province.name : null
}

const PLACE = /^(MR|RS|FH|CEM)-([0-9]{6})(?:-([1-9][0-9]{0,3}))?$/

/** The name of a place code (MR-610502 → 临渭区婚姻登记处, RS-610528-3 → 富平县救助点（3）), as the server names it;
 * the code itself when it is not one the client can name. */
export function placeName(code: string): string {
  const match = PLACE.exec(code)
  const where = match ? NAMES.divisions[match[2]]?.name : undefined
  if (!match || !where) return code
  const [, kind, , number] = match
  if (kind === 'RS' && number) return `${where}${NAMES.relief_point}（${number}）`
  if (kind === 'CEM') return number ? `${where}${NAMES.places.CEM}（${number}）` : code
  if (number) return code
  return `${where}${NAMES.places[kind]}`
}
