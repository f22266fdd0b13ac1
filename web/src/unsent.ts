// Unsent input (workbench.md §1): a form page marks its 已打开页面 entry while what is typed differs from what
// it started with or last sent, so that closing the page asks 放弃未提交的内容？ (stores/opened.ts). The page's
// entry is the route it was opened on: under keep-alive, the component keeps that page for its whole life.
import { onBeforeUnmount, reactive, watch } from 'vue'
import { useRoute } from 'vue-router'
import { pageKey, useOpenedPages } from '@/stores/opened'

export interface UnsentInput {
  /** The input was sent and answered (or reset): it is no longer unsent. */
  sent(): void
}

// A page may hold several forms (an application and its withdrawal, say): it holds unsent input while any one
// of them does, so each form's mark is kept apart and the page's is their union.
const unsentForms = new Map<string, Set<symbol>>()

export function useUnsentInput(form: () => unknown): UnsentInput {
  const opened = useOpenedPages()
  const key = pageKey(useRoute())
  const self = Symbol('form')
  const mark = (unsent: boolean) => {
    const forms = unsentForms.get(key) ?? new Set<symbol>()
    if (unsent) forms.add(self)
    else forms.delete(self)
    if (forms.size) unsentForms.set(key, forms)
    else unsentForms.delete(key)
    opened.markUnsent(key, forms.size > 0)
  }
  let baseline = JSON.stringify(form())
  const stop = watch(() => JSON.stringify(form()), (now) => mark(now !== baseline))
  onBeforeUnmount(() => {
    stop()
    mark(false)
  })
  return {
    sent() {
      baseline = JSON.stringify(form())
      mark(false)
    },
  }
}

/** A command form: its fields (made reactive), unsent while they differ from what was last sent, and its submit,
 * which runs `command` on them and marks them sent once it answers that the command was done (a refusal or a
 * failed send leaves what was typed unsent: it was not recorded). */
export function useCommandForm<F extends object>(fields: F, command: (form: F) => Promise<boolean>): { form: F; submit: () => Promise<void> } {
  const form = reactive(fields) as F
  const unsent = useUnsentInput(() => form)
  return {
    form,
    async submit() {
      if (await command(form)) unsent.sent()
    },
  }
}
