// Unsent input (workbench.md §1): a form page marks its 已打开页面 entry while what is typed differs from what
// it started with or last sent, so that closing the page asks 放弃未提交的内容？ (stores/opened.ts). The page's
// entry is the route it was opened on: under keep-alive, the component keeps that page for its whole life.
import { onBeforeUnmount, watch } from 'vue'
import { useRoute } from 'vue-router'
import { pageKey, useOpenedPages } from '@/stores/opened'

export interface UnsentInput {
  /** The input was sent and answered (or reset): it is no longer unsent. */
  sent(): void
}

export function useUnsentInput(form: () => unknown): UnsentInput {
  const opened = useOpenedPages()
  const key = pageKey(useRoute())
  let baseline = JSON.stringify(form())
  const stop = watch(() => JSON.stringify(form()), (now) => opened.markUnsent(key, now !== baseline))
  onBeforeUnmount(stop)
  return {
    sent() {
      baseline = JSON.stringify(form())
      opened.markUnsent(key, false)
    },
  }
}
