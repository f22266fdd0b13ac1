// Unsent input on a record page (workbench.md §1): typing into one of 儿童档案's or 救助个案's command forms marks
// the page in 已打开页面, so that 关闭 asks 放弃未提交的内容？; once the command is done, it closes at once.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { createPinia, setActivePinia } from 'pinia'
import { flushPromises, mount } from '@vue/test-utils'
import { createMemoryHistory, createRouter } from 'vue-router'
import { defineComponent, h } from 'vue'
import { RouterView } from 'vue-router'

const answers = vi.hoisted(() => ({ record: {} as unknown, sent: [] as { path: string; body: unknown }[] }))
vi.mock('@/api/client', async (original) => ({
  ...(await original<typeof import('@/api/client')>()),
  getJson: vi.fn(async () => ({ data: answers.record, problem: null })),
  send: vi.fn(async (_method: string, path: string, body: unknown) => {
    answers.sent.push({ path, body })
    return { data: {}, problem: null }
  }),
}))
import OpenedPages from '@/components/OpenedPages.vue'
import { DISCARD_QUESTION, useOpenedPages } from '@/stores/opened'
import ChildFile from '@/views/child-welfare/ChildFile.vue'
import Case from '@/views/relief/Case.vue'
import Refusal from '@/views/relief/Refusal.vue'

const FILE = {
  child_id: 'c-1', subject_id: 'S-1', id_number: null, name: '小明', birth_date: '2015-03-01', household_division: '610502',
  guardian: null, applied_on: '2026-01-05', status: 'confirmed', category: 'orphan', eligible_today_as: null,
  care: { care: 'dispersed', institution: null, carer_id: null, since: '2026-01-05' }, parents: [], township_check: null,
  decided_on: '2026-02-01', termination: null, agreement_until: null, last_visit: null, history: [], version: 3,
}
const CASE = {
  case_id: 'k-1', version: 2, status: 'open', subject_id: 'V-1', id_number: null, identified: false, person: null, minor: false,
  guardianship: null, flags: [], arrived_on: '2026-03-01', cash_total: '0.00', services: [], stay: null, family_search: null,
  exit: null, history: [],
}

let mounted: { unmount(): void } | null = null
beforeEach(() => {
  setActivePinia(createPinia())
  answers.sent.length = 0
})
afterEach(() => {
  mounted?.unmount() // its marks go with it, even when the test failed half-way
  mounted = null
  document.body.innerHTML = ''
})

/** Waits (a few seconds at most) for what a transition or a message box shows in its own time. */
async function until(shown: () => boolean): Promise<boolean> {
  for (let i = 0; i < 100 && !shown(); i++) {
    await flushPromises()
    await new Promise((resolve) => setTimeout(resolve, 30))
  }
  return shown()
}

async function openPage(path: string, title: string, page: object, record: unknown) {
  answers.record = record
  const router = createRouter({ history: createMemoryHistory(), routes: [
    { path: '/', component: { render: () => h('div') } },
    { path: '/records/:id', component: page },
  ] })
  await router.push(path)
  useOpenedPages().visit({ key: path, title, fullPath: path })
  const shell = defineComponent({ render: () => h('div', [h(OpenedPages), h(RouterView)]) })
  const wrapper = mount(shell, { global: { plugins: [router] }, attachTo: document.body })
  mounted = wrapper
  await flushPromises()
  return wrapper
}

/** 关闭 the page's tab; answers whether 放弃未提交的内容？ was asked (then 继续填写 keeps the page) before the tab
 * closed. */
async function closeAsks(wrapper: Awaited<ReturnType<typeof openPage>>): Promise<boolean> {
  const opened = useOpenedPages()
  await wrapper.get('button[aria-label="关闭"]').trigger('click')
  const asked = () => document.body.textContent?.includes(DISCARD_QUESTION) ?? false
  await until(() => asked() || opened.pages.length === 0)
  if (!asked()) return false
  const keep = [...document.querySelectorAll('button')].find((b) => b.textContent?.includes('继续填写'))
  keep!.click()
  await until(() => !asked()) // the box fades out
  return true
}

describe.each([
  { title: '儿童档案', page: ChildFile, record: FILE, field: '#vs-findings', text: '居住安全，学习正常', form: '登记走访', command: '/v1/child-welfare/children/r-1/visits' },
  { title: '救助个案', page: Case, record: CASE, field: '#xt-reason', text: '等待亲属来接', form: '延期', command: '/v1/vagrant-aid/cases/r-1/extension' },
  // A form page with no record: what was typed is cleared once the refusal is recorded, and the page is no longer unsent.
  { title: '不予救助', page: Refusal, record: null, field: '#rf-detail', text: '有固定住所和收入', form: '不予救助', command: '/v1/vagrant-aid/refusals' },
])('$title: a command form holds unsent input until its command is done', ({ title, page, record, field, text, form, command }) => {
  it('asks before the tab closes with typed input, and closes at once after the command was done', { timeout: 30_000 }, async () => {
    const wrapper = await openPage('/records/r-1', title, page, record)
    await wrapper.get(field).setValue(text)
    await flushPromises()
    expect(useOpenedPages().pages[0].unsent).toBe(true)
    expect(await closeAsks(wrapper)).toBe(true)
    expect(useOpenedPages().keys).toEqual(['/records/r-1']) // 继续填写: the page stays, with what was typed
    expect((wrapper.get(field).element as HTMLInputElement).value).toBe(text)

    const sending = wrapper.get(field).element.closest('form')!
    expect(sending.querySelector('button[type="submit"]')?.textContent).toContain(form)
    sending.dispatchEvent(new Event('submit', { bubbles: true, cancelable: true }))
    await flushPromises()
    expect(answers.sent.map((s) => s.path)).toEqual([command])
    expect(useOpenedPages().pages[0].unsent).toBe(false)
    expect(await closeAsks(wrapper)).toBe(false)
    expect(useOpenedPages().keys).toEqual([])
  })
})
