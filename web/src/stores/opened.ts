// 已打开页面 (workbench.md §1 tag views): the pages a clerk has open, at most eight, each kept alive so that a
// half-filled form survives a look-up in another page. Opening a ninth closes the least recently used page
// that holds no unsent input (only when every page holds some does the least recently used go regardless);
// closing a page with unsent input asks 放弃未提交的内容？ first. Pages mark their input with
// useUnsentInput (web/src/unsent.ts). The list lives in memory only, like the session.
import { defineStore } from 'pinia'
import type { RouteLocationNormalizedLoaded } from 'vue-router'

export const OPENED_LIMIT = 8
export const DISCARD_QUESTION = '放弃未提交的内容？'

export interface OpenedPage {
  key: string
  title: string
  fullPath: string
  /** 工作台 stays: it is never closed nor pushed out. */
  affix: boolean
  unsent: boolean
}

/** One kept-alive page per path: two records are two pages, a page's query (filters) stays one page. */
export function pageKey(route: Pick<RouteLocationNormalizedLoaded, 'path'>): string {
  return route.path
}

export const useOpenedPages = defineStore('opened-pages', {
  state: () => ({
    pages: [] as OpenedPage[],
    /** Keys from the least to the most recently shown. */
    recent: [] as string[],
  }),
  getters: {
    keys: (state) => state.pages.map((page) => page.key),
  },
  actions: {
    /** The page is shown: opened, or brought forward. Returns the page pushed out to make room, if any. */
    visit(opened: { key: string; title: string; fullPath: string; affix?: boolean }): OpenedPage | null {
      this.recent = [...this.recent.filter((key) => key !== opened.key), opened.key]
      const known = this.pages.find((page) => page.key === opened.key)
      if (known) {
        Object.assign(known, { title: opened.title, fullPath: opened.fullPath })
        return null
      }
      this.pages.push({ ...opened, affix: opened.affix ?? false, unsent: false })
      if (this.pages.length <= OPENED_LIMIT) return null
      const out = this.leastRecent((page) => !page.unsent) ?? this.leastRecent(() => true)
      if (out) this.remove(out.key)
      return out
    },
    leastRecent(eligible: (page: OpenedPage) => boolean): OpenedPage | null {
      for (const key of this.recent.slice(0, -1)) { // never the page just shown
        const page = this.pages.find((p) => p.key === key)
        if (page && !page.affix && eligible(page)) return page
      }
      return null
    },
    markUnsent(key: string, unsent: boolean) {
      const page = this.pages.find((p) => p.key === key)
      if (page) page.unsent = unsent
    },
    /** Closes a page, asking first when it holds unsent input. Returns whether it was closed. */
    async close(key: string, confirmDiscard: (question: string) => Promise<boolean>): Promise<boolean> {
      const page = this.pages.find((p) => p.key === key)
      if (!page || page.affix) return false
      if (page.unsent && !(await confirmDiscard(DISCARD_QUESTION))) return false
      this.remove(key)
      return true
    },
    remove(key: string) {
      this.pages = this.pages.filter((page) => page.key !== key)
      this.recent = this.recent.filter((k) => k !== key)
    },
    /** The page to show once the current one is closed: the most recently shown of those left. */
    fallback(): OpenedPage | null {
      const key = this.recent[this.recent.length - 1]
      return this.pages.find((page) => page.key === key) ?? this.pages[0] ?? null
    },
  },
})
