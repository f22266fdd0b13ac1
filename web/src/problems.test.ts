// The refusal mapper: problem+json → Chinese messages with their rules, at the fields or above the form.
import { describe, expect, it } from 'vitest'
import { codesOfRules, mapProblem, messageOf, warningsOf } from './problems'

describe('mapProblem', () => {
  it('lists every broken rule of an M-5 refusal in Chinese with its rule id', () => {
    const mapped = mapProblem({
      status: 422, code: 'below_legal_age',
      errors: [{ loc: ['body', 'reasons', 0], msg: 'below_legal_age' }, { loc: ['body', 'reasons', 1], msg: 'not_in_jurisdiction' }],
    })
    expect(mapped.alerts).toEqual(['未达法定婚龄 (M-1)', '不属本登记机关管辖 (M-6, A-1, A-16)'])
    expect(mapped.fields).toEqual({})
  })
  it('puts a field error on the form item of its path, without the leading "body"', () => {
    const mapped = mapProblem({ status: 422, code: 'invalid_id_number', errors: [{ loc: ['body', 'parties', 1, 'id_number'], msg: 'x' }] })
    expect(mapped.fields).toEqual({ 'parties.1.id_number': '身份证号码无效' })
  })
  it('uses the code of the entry when the entry names one (release 2)', () => {
    const mapped = mapProblem({ status: 409, code: 'already_married', errors: [{ loc: ['body', 'parties', 0, 'id_number'], msg: 'x', code: 'deceased' }] })
    expect(mapped.fields['parties.0.id_number']).toBe('当事人已死亡或被宣告死亡 (M-3, D-4, D-8)')
  })
  it('keeps warnings apart from refusals', () => {
    const mapped = mapProblem({ status: 422, code: 'below_legal_age', errors: [{ loc: ['warnings', 0], msg: 'dishonesty_list: 6105…' }, { loc: ['body', 'reasons', 0], msg: 'below_legal_age' }] })
    expect(mapped.warnings).toEqual(['当事人在严重失信名单中 (M-10)：6105…'])
    expect(mapped.alerts).toEqual(['未达法定婚龄 (M-1)'])
  })
  it('names each sighting of a D-2 refusal by service and day, above the form', () => {
    const mapped = mapProblem({
      status: 422, code: 'declaration_implausible',
      errors: [{ loc: ['seen_alive', 0, 'marriage'], msg: '2026-11-07' }, { loc: ['seen_alive', 1, 'vagrant_aid'], msg: '2026-12-01' }],
    })
    expect(mapped.alerts).toEqual(['判决须经登记员确认 (D-2)：婚姻登记 2026-11-07 有本人办理记录',
      '判决须经登记员确认 (D-2)：救助管理 2026-12-01 有本人办理记录'])
    expect(mapped.fields).toEqual({})
  })
  it('shows a refusal without errors above the form, and an unknown code as itself', () => {
    expect(mapProblem({ status: 409, code: 'cooling_off' }).alerts).toEqual(['离婚冷静期未满 (M-8)'])
    expect(messageOf('no_such_code_anywhere')).toBe('办理失败（no_such_code_anywhere）')
  })
  it('reads the warnings of a 201', () => {
    expect(warningsOf([{ code: 'dishonesty_list', message: '曾提供虚假材料' }])).toEqual(['当事人在严重失信名单中 (M-10)：曾提供虚假材料'])
  })
  it('lists the codes of one set of rules, for a refusal of an application (A-12)', () => {
    const adoption = codesOfRules('A-')
    expect(adoption).toContain('other_parent_required')
    expect(adoption).toContain('adopter_under_30')
    expect(adoption).not.toContain('below_legal_age')
  })
  it('lists a code whose rules name this set after another one (M-6, A-1, A-16)', () => {
    expect(codesOfRules('A-')).toContain('not_in_jurisdiction')
    expect(codesOfRules('M-')).toContain('not_in_jurisdiction')
    expect(codesOfRules('A-')).not.toContain('invalid_division') // no rule: not a ground to refuse an application
  })
})
