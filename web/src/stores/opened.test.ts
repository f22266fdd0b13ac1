// 已打开页面 (stores/opened.ts, components/OpenedPages.vue): at most eight pages, the least recently used one
// without unsent input pushed out; closing a page with unsent input asks 放弃未提交的内容？ and keeps it on 继续填写.
import { beforeEach, describe, expect, it, vi } from 'vitest'
import { createPinia, setActivePinia } from 'pinia'
import { mount, flushPromises } from '@vue/test-utils'
import { createMemoryHistory, createRouter } from 'vue-router'
import { defineComponent } from 'vue'

vi.mock('element-plus', () => ({ ElMessageBox: { confirm: vi.fn() } }))
import { ElMessageBox } from 'element-plus'
import OpenedPages from '@/components/OpenedPages.vue'
import { DISCARD_QUESTION, OPENED_LIMIT, useOpenedPages } from './opened'

const page = (n: number) => ({ key: `/p/${n}`, title: `页面${n}`, fullPath: `/p/${n}` })

beforeEach(() => {
  setActivePinia(createPinia())
  vi.clearAllMocks()
})

describe('the opened pages', () => {
  it('keeps eight and pushes out the least recently shown when a ninth opens', () => {
    const opened = useOpenedPages()
    for (let n = 1; n <= OPENED_LIMIT; n++) expect(opened.visit(page(n))).toBeNull()
    opened.visit(page(1)) // shown again: now the most recent
    const out = opened.visit(page(9))
    expect(out?.key).toBe('/p/2')
    expect(opened.keys).toHaveLength(OPENED_LIMIT)
    expect(opened.keys).toContain('/p/1')
    expect(opened.keys).toContain('/p/9')
  })

  it('never pushes out 工作台 nor, while another can go, a page with unsent input', () => {
    const opened = useOpenedPages()
    opened.visit({ ...page(0), affix: true })
    for (let n = 1; n < OPENED_LIMIT; n++) opened.visit(page(n))
    opened.markUnsent('/p/1', true)
    expect(opened.visit(page(8))?.key).toBe('/p/2')
    expect(opened.keys).toEqual(expect.arrayContaining(['/p/0', '/p/1']))
  })

  it('asks before closing a page with unsent input, and keeps it when the clerk goes on filling it in', async () => {
    const opened = useOpenedPages()
    opened.visit(page(1))
    opened.markUnsent('/p/1', true)
    const ask = vi.fn(async () => false)
    expect(await opened.close('/p/1', ask)).toBe(false)
    expect(ask).toHaveBeenCalledWith(DISCARD_QUESTION)
    expect(opened.keys).toEqual(['/p/1'])
    ask.mockResolvedValueOnce(true)
    expect(await opened.close('/p/1', ask)).toBe(true)
    expect(opened.keys).toEqual([])
  })

  it('closes a page without unsent input at once', async () => {
    const opened = useOpenedPages()
    opened.visit(page(1))
    const ask = vi.fn(async () => true)
    expect(await opened.close('/p/1', ask)).toBe(true)
    expect(ask).not.toHaveBeenCalled()
  })
})

describe('the strip of opened pages', () => {
  async function strip() {
    const blank = defineComponent({ template: '<div />' })
    const router = createRouter({ history: createMemoryHistory(), routes: [{ path: '/', component: blank }, { path: '/p/:n', component: blank }] })
    await router.push('/p/2')
    const opened = useOpenedPages()
    opened.visit(page(1))
    opened.visit(page(2))
    const wrapper = mount(OpenedPages, { global: { plugins: [router] } })
    return { wrapper, opened, router }
  }

  it('links every page, marks the one shown, and ties each close button to its page', async () => {
    const { wrapper } = await strip()
    expect(wrapper.get('nav').attributes('aria-label')).toBe('已打开页面')
    expect(wrapper.findAll('a').map((a) => a.text())).toEqual(['页面1', '页面2'])
    expect(wrapper.get('a[aria-current="page"]').text()).toBe('页面2')
    // Each 关闭 is described by its own page's link.
    const described = wrapper.findAll('button').map((b) => wrapper.get(`#${b.attributes('aria-describedby')}`).text())
    expect(described).toEqual(['页面1', '页面2'])
    expect(wrapper.findAll('button').map((b) => b.attributes('aria-label'))).toEqual(['关闭', '关闭'])
  })

  it('asks 放弃未提交的内容？ on closing a half-filled page; on 放弃 it shows the page seen before', async () => {
    const { wrapper, opened, router } = await strip()
    opened.markUnsent('/p/2', true)
    await wrapper.vm.$nextTick()
    vi.mocked(ElMessageBox.confirm).mockRejectedValueOnce('cancel')
    await wrapper.findAll('button')[1].trigger('click')
    await flushPromises()
    expect(ElMessageBox.confirm).toHaveBeenCalledWith(DISCARD_QUESTION, '关闭页面', expect.anything())
    expect(opened.keys).toEqual(['/p/1', '/p/2'])

    vi.mocked(ElMessageBox.confirm).mockResolvedValueOnce('confirm' as never)
    await wrapper.findAll('button')[1].trigger('click')
    await flushPromises()
    expect(opened.keys).toEqual(['/p/1'])
    expect(router.currentRoute.value.fullPath).toBe('/p/1')
  })
})
