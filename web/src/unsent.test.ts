// Unsent input (unsent.ts): a page with several forms holds unsent input while any one of them does.
import { beforeEach, describe, expect, it } from 'vitest'
import { createPinia, setActivePinia } from 'pinia'
import { flushPromises, mount } from '@vue/test-utils'
import { createMemoryHistory, createRouter } from 'vue-router'
import { defineComponent, h, reactive } from 'vue'
import { useOpenedPages } from '@/stores/opened'
import { useCommandForm, useUnsentInput, type UnsentInput } from './unsent'

beforeEach(() => setActivePinia(createPinia()))

describe('unsent input of a page with two forms', () => {
  async function page() {
    const application = reactive({ registration_id: '' })
    const withdrawal = reactive({ by_id_number: '' })
    const marks: { application?: UnsentInput; withdrawal?: UnsentInput } = {}
    const twoForms = defineComponent({
      setup() {
        marks.application = useUnsentInput(() => application)
        marks.withdrawal = useUnsentInput(() => withdrawal)
        return () => h('div')
      },
    })
    const router = createRouter({ history: createMemoryHistory(), routes: [{ path: '/divorce', component: twoForms }] })
    await router.push('/divorce')
    const opened = useOpenedPages()
    opened.visit({ key: '/divorce', title: '离婚登记', fullPath: '/divorce' })
    const wrapper = mount(twoForms, { global: { plugins: [router] } })
    const unsent = () => opened.pages.find((p) => p.key === '/divorce')?.unsent
    return { application, withdrawal, marks, wrapper, unsent }
  }

  it('stays unsent until every form that was typed in is sent', async () => {
    const { application, withdrawal, marks, unsent } = await page()
    expect(unsent()).toBe(false)
    application.registration_id = 'R-1'
    withdrawal.by_id_number = '61050219900101001X'
    await flushPromises()
    expect(unsent()).toBe(true)
    marks.application!.sent() // one form sent: the other still holds input
    await flushPromises()
    expect(unsent()).toBe(true)
    marks.withdrawal!.sent()
    await flushPromises()
    expect(unsent()).toBe(false)
  })

  it('a form typed back to what it was sent with is no longer unsent, while the other still is', async () => {
    const { application, withdrawal, unsent } = await page()
    application.registration_id = 'R-2'
    withdrawal.by_id_number = '6105'
    await flushPromises()
    withdrawal.by_id_number = ''
    await flushPromises()
    expect(unsent()).toBe(true)
    application.registration_id = ''
    await flushPromises()
    expect(unsent()).toBe(false)
  })

  it('a page closed (unmounted) leaves no mark behind for the next page on that path', async () => {
    const first = await page()
    first.application.registration_id = 'R-3'
    await flushPromises()
    first.wrapper.unmount()
    const second = await page()
    second.withdrawal.by_id_number = '6105'
    await flushPromises()
    second.withdrawal.by_id_number = ''
    await flushPromises()
    expect(second.unsent()).toBe(false)
  })
})

describe('a command form (useCommandForm)', () => {
  it('stays unsent after a refusal (nothing was recorded) and is sent once its command is done', async () => {
    const answers = [false, true]
    let visit: { findings: string } | undefined
    let submit: (() => Promise<void>) | undefined
    const page = defineComponent({
      setup() {
        ({ form: visit, submit } = useCommandForm({ findings: '' }, async () => answers.shift() ?? false))
        return () => h('div')
      },
    })
    const router = createRouter({ history: createMemoryHistory(), routes: [{ path: '/children/c', component: page }] })
    await router.push('/children/c')
    const opened = useOpenedPages()
    opened.visit({ key: '/children/c', title: '儿童档案', fullPath: '/children/c' })
    mount(page, { global: { plugins: [router] } })
    const unsent = () => opened.pages.find((p) => p.key === '/children/c')?.unsent
    visit!.findings = '居住安全'
    await flushPromises()
    expect(unsent()).toBe(true)
    await submit!() // refused
    await flushPromises()
    expect(unsent()).toBe(true)
    await submit!() // done
    await flushPromises()
    expect(unsent()).toBe(false)
  })
})
