// The XLSX writer: a real zip with the OOXML parts, Chinese text kept, amounts as numbers.
import { describe, expect, it } from 'vitest'
import { unzipSync, strFromU8 } from 'fflate'
import { sheetXml, toXlsx } from './xlsx'

describe('xlsx', () => {
  it('writes amounts as numbers and text as inline strings', () => {
    const xml = sheetXml(['档案编号', '金额（元）'], [['C-1', '1200.00'], ['合计', '1200.00']], [1])
    expect(xml).toContain('<c r="B2"><v>1200.00</v></c>')
    expect(xml).toContain('<t xml:space="preserve">合计</t>')
    expect(xml).toContain('<c r="A1" t="inlineStr">')
  })

  it('escapes markup in cells', () => {
    expect(sheetXml(['a'], [['<b>&"']])).toContain('&lt;b&gt;&amp;&quot;')
  })

  it('zips the parts Excel needs', async () => {
    const blob = await toXlsx('发放明细', ['月份'], [['2025-08']])
    const parts = unzipSync(new Uint8Array(await blob.arrayBuffer()))
    expect(Object.keys(parts).sort()).toEqual(['[Content_Types].xml', '_rels/.rels', 'xl/_rels/workbook.xml.rels', 'xl/workbook.xml', 'xl/worksheets/sheet1.xml'])
    expect(strFromU8(parts['xl/workbook.xml'])).toContain('name="发放明细"')
  })
})
