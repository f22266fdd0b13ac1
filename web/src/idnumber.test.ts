// The ID-number field and its checks, with domain.md 0.1's synthetic numbers.
import { describe, expect, it } from 'vitest'
import { mount } from '@vue/test-utils'
import { checkIdNumber, checkCharacter, maskIdNumber } from './idnumber'
import IdNumberInput from './components/IdNumberInput.vue'

const TODAY = '2026-05-20'

describe('checkIdNumber', () => {
  it('accepts a valid number and reads birth date, sex, age and division', () => {
    const first17 = '61050219900101001'
    const check = checkIdNumber(first17 + checkCharacter(first17), TODAY)
    expect(check).toMatchObject({ ok: true, birthDate: '1990-01-01', sex: '男', age: 36, division: '610502' })
  })
  it('reads an even 17th digit as 女 and an X check character typed in lower case', () => {
    const first17 = '61050219950715002'
    const check = checkIdNumber(` ${first17}${checkCharacter(first17).toLowerCase()} `, TODAY)
    expect(check.ok && check.sex).toBe('女')
  })
  it('refuses a wrong check character', () => {
    const first17 = '61050219900101001'
    const wrong = checkCharacter(first17) === '0' ? '1' : '0'
    expect(checkIdNumber(first17 + wrong, TODAY)).toMatchObject({ ok: false, message: '校验位错误' })
  })
  it('refuses an impossible birth date and one in the future', () => {
    for (const first17 of ['61050219900231001', '61050220300101001']) {
      expect(checkIdNumber(first17 + checkCharacter(first17), TODAY)).toMatchObject({ ok: false, message: '出生日期无效' })
    }
  })
  it('asks for 18 digits, and for the second generation instead of a 15-digit number', () => {
    expect(checkIdNumber('6105021990', TODAY)).toMatchObject({ ok: false, message: '身份证号码应为18位' })
    expect(checkIdNumber('610502900101001', TODAY)).toMatchObject({ ok: false, message: '请使用18位身份证号码' })
  })
  it('masks numbers for lists', () => {
    expect(maskIdNumber('610502199001010011')).toBe('610502********0011')
  })
})

describe('<IdNumberInput>', () => {
  it('shows birth date, sex and age under a valid number, as it is typed', async () => {
    const first17 = '61050219900101001'
    const wrapper = mount(IdNumberInput, { props: { modelValue: first17 + checkCharacter(first17), id: 'x', today: TODAY } })
    expect(wrapper.text()).toContain('出生日期 1990-01-01 · 性别 男 · 36 周岁')
  })
  it('shows the reason under an invalid number and marks the input invalid', () => {
    const wrapper = mount(IdNumberInput, { props: { modelValue: '61050219900101001Y', id: 'x', today: TODAY } })
    expect(wrapper.text()).toContain('身份证号码应为18位')
    expect(wrapper.find('input').attributes('aria-invalid')).toBe('true')
  })
  it('emits the number trimmed, upper-cased and cut to 18 characters', async () => {
    const wrapper = mount(IdNumberInput, { props: { modelValue: '', id: 'x' } })
    await wrapper.find('input').setValue(' 61050219900101002x99')
    expect(wrapper.emitted('update:modelValue')?.at(-1)).toEqual(['61050219900101002X'])
  })
})
