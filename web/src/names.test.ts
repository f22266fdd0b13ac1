// Names of division and place codes from the exported reference (names.zh-CN.json), as the server names them
// (tests/unit/shared/test_client_names.py checks the same places on the server's side).
import { describe, expect, it } from 'vitest'
import { divisionName, placeName } from '@/names'

describe('divisionName', () => {
  it("names the city's counties, present and abolished, the city, and a province outside it", () => {
    expect(divisionName('610502')).toBe('临渭区')
    expect(divisionName('610521')).toBe('华县（已撤销）')
    expect(divisionName('610500')).toBe('渭南市')
    expect(divisionName('110101')).toBe('北京市')
  })
  it('names nothing for a code it does not know or a malformed one', () => {
    expect(divisionName('990101')).toBeNull()
    expect(divisionName('61050')).toBeNull()
  })
})

describe('placeName', () => {
  it.each([
    ['MR-610502', '临渭区婚姻登记处'], ['RS-610500', '渭南市救助管理站'], ['RS-610528-3', '富平县救助点（3）'],
    ['FH-610502', '临渭区殡仪馆'], ['CEM-610502-1', '临渭区公墓（1）'],
  ])('%s is %s', (code, name) => expect(placeName(code)).toBe(name))
  it('keeps a code it cannot name', () => {
    expect(placeName('MR-990101')).toBe('MR-990101')
    expect(placeName('CEM-610502')).toBe('CEM-610502')
    expect(placeName('gateway')).toBe('gateway')
  })
})
