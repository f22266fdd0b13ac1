// The person being looked up from the top bar's search (workbench.md §1): kept in memory, never in the URL or
// the page title (window PCs are shared); the 人员档案 page reads it and asks the server.
import { defineStore } from 'pinia'

export const usePersonSearch = defineStore('person-search', {
  state: () => ({ idNumber: '', asked: 0 }),
  actions: {
    ask(idNumber: string) {
      this.idNumber = idNumber
      this.asked += 1 // the same number asked again is searched again
    },
  },
})
