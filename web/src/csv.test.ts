// The browser's CSV reader for the historical import (M-12).
import { describe, expect, it } from 'vitest'
import { parseCsv, parseRows } from './csv'

describe('csv', () => {
  it('reads quoted fields, doubled quotes, CRLF and a BOM', () => {
    expect(parseRows('\uFEFFa,b\r\n"x, y","say ""hi"""\r\n')).toEqual([['a', 'b'], ['x, y', 'say "hi"']])
  })

  it('keys records by the header and leaves empty cells out', () => {
    expect(parseCsv('record_ref,office,wife_name\nJ1,MR-610502,\n\n')).toEqual([{ record_ref: 'J1', office: 'MR-610502' }])
  })
})
