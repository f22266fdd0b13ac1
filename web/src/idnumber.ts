// Input checks of a resident ID number (GB 11643, domain.md 0.1) as it is typed or scanned: format, check
// character, a real birth date. Only input checks: age limits, kinship and jurisdiction stay the server's.
const WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
const CHECK = '10X98765432'

export type IdCheck =
  | { ok: true; value: string; birthDate: string; sex: '男' | '女'; age: number; division: string }
  | { ok: false; value: string; message: string }

export function normaliseIdNumber(text: string): string {
  return text.trim().toUpperCase()
}

export function checkCharacter(first17: string): string {
  const sum = WEIGHTS.reduce((acc, weight, i) => acc + weight * Number(first17[i]), 0)
  return CHECK[sum % 11]
}

function ageOn(birth: Date, today: Date): number {
  let age = today.getFullYear() - birth.getFullYear()
  const before = today.getMonth() < birth.getMonth() ||
    (today.getMonth() === birth.getMonth() && today.getDate() < birth.getDate())
  return before ? age - 1 : age
}

/** `today` is the business date, `YYYY-MM-DD`. */
export function checkIdNumber(text: string, today: string): IdCheck {
  const value = normaliseIdNumber(text)
  if (/^\d{15}$/.test(value)) return { ok: false, value, message: '请使用18位身份证号码' }
  if (!/^\d{17}[\dX]$/.test(value)) return { ok: false, value, message: '身份证号码应为18位' }
  if (checkCharacter(value.slice(0, 17)) !== value[17]) return { ok: false, value, message: '校验位错误' }
  const [y, m, d] = [value.slice(6, 10), value.slice(10, 12), value.slice(12, 14)].map(Number)
  const birth = new Date(y, m - 1, d)
  const now = new Date(`${today}T00:00:00`)
  const real = birth.getFullYear() === y && birth.getMonth() === m - 1 && birth.getDate() === d
  if (!real || y < 1900 || birth > now) return { ok: false, value, message: '出生日期无效' }
  return {
    ok: true,
    value,
    birthDate: `${value.slice(6, 10)}-${value.slice(10, 12)}-${value.slice(12, 14)}`,
    sex: Number(value[16]) % 2 === 1 ? '男' : '女',
    age: ageOn(birth, now),
    division: value.slice(0, 6),
  }
}

/** Lists show ID numbers masked (architecture.md): `610502********0011`. */
export function maskIdNumber(value: string): string {
  return value.length === 18 ? `${value.slice(0, 6)}********${value.slice(14)}` : value
}

export function todayInChina(): string {
  // Business dates are China Standard Time whatever the workstation's zone says.
  return new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Shanghai' }).format(new Date())
}
