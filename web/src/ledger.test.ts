// The ledger table shows the server's months, standards, bases and adjustments, and computes nothing.
import { describe, expect, it } from 'vitest'
import { flushPromises, mount } from '@vue/test-utils'
import LedgerTable from './components/LedgerTable.vue'

const ledger = {
  months: [
    { month: '2026-01', amount: '0.00', standard: null, basis: {} },
    { month: '2026-02', amount: '1500.00', standard: '1500.00', basis: { category: 'orphan', care: 'dispersed' },
      adjustments: [{ recorded_on: '2026-03-05', cause: 'standard_set', paid: '1700.00', due: '1500.00', difference: '-200.00' }] },
  ],
  total: '1500.00',
  adjustments: [{ recorded_on: '2026-03-05', total: '-200.00', months: [{ month: '2026-02', difference: '-200.00' }] }],
  adjustments_total: '-200.00',
}

describe('<LedgerTable>', () => {
  it('shows each month with its standard and basis, and adjustments as 调整', async () => {
    const wrapper = mount(LedgerTable, { props: { ledger }, attachTo: document.body })
    await flushPromises()
    await new Promise((resolve) => setTimeout(resolve, 50)) // el-table lays out its body after mounting
    const text = wrapper.text()
    expect(text).toContain('2026-02')
    expect(text).toContain('孤儿 · 散居')
    expect(text).toContain('不符合保障条件')
    expect(text).toContain('调整')
    expect(text).toContain('2026-02 差额 -200.00 元')
    expect(text).toContain('2026-03-05 调整：已发 1700.00 元，应发 1500.00 元，差额 -200.00 元') // month by month (C-5)
  })
  it('shows the server total and the adjustments total as they came', () => {
    expect(mount(LedgerTable, { props: { ledger } }).text()).toContain('合计：1500.00 元（另调整 -200.00 元）')
  })
})
