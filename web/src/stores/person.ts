// ID numbers handed from one page to another in memory, never in the URL or the page title (window PCs are
// shared): the top bar's person search to 人员档案 (workbench.md §1), a booked appointment's parties to 结婚登记.
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

export const useAppointmentHandover = defineStore('appointment-handover', {
  state: () => ({ idNumbers: [] as string[], handed: 0 }),
  actions: {
    hand(idNumbers: string[]) {
      this.idNumbers = [...idNumbers]
      this.handed += 1
    },
  },
})
