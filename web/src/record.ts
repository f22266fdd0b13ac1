// A command on a record page (workbench.md §4, "Idempotency" and "Concurrency"): one key per submission kept
// until a definitive answer (a 5xx or a lost connection keeps it, so a retry resends the same key and body),
// `If-Match` with the version read, and 409 `concurrency_conflict` answered by 刷新记录 — the record is
// reloaded and what was typed stays in the form.
import { ref, type Ref } from 'vue'
import { useRoute } from 'vue-router'
import { ElMessage, ElMessageBox } from 'element-plus'
import { getJson, newSubmissionKey, problemLines, send } from '@/api/client'
import { useCommandForm } from '@/unsent'

export interface RecordCommand {
  /** POST `path` with `body`; on success shows `done`, hands the answer to `answered` and reloads. Returns the
   * refusal's lines, or [] */
  run(path: string, body: Record<string, unknown>, done: string, answered?: (answer: unknown) => void): Promise<string[]>
}

export function recordCommand(version: () => number | null | undefined, reload: () => Promise<unknown>): RecordCommand {
  const keys = new Map<string, string>() // per path: a form's retry after a 5xx sends its first key again
  return {
    async run(path, body, done, answered) {
      const key = keys.get(path) ?? newSubmissionKey()
      keys.set(path, key)
      const answer = await send('POST', path, body, { key, ifMatch: version() })
      if (answer.problem && answer.problem.status >= 500) return ['网络或服务暂时不可用，请重试']
      keys.delete(path)
      if (!answer.problem) {
        ElMessage.success(done)
        answered?.(answer.data)
        await reload()
        return []
      }
      if (answer.problem.code === 'concurrency_conflict') {
        await ElMessageBox.alert('该记录已被他人更新，请刷新后再办理', '提示', { confirmButtonText: '刷新记录' }).catch(() => undefined)
        await reload()
      }
      return problemLines(answer.problem)
    },
  }
}

/** One record page (儿童档案, 救助个案): the record of the route's id, read once the page opens — each open record
 * is a page of its own under keep-alive (已打开页面), so it stays on the record it was opened on — and the
 * commands on it, POSTed to `{base}/{id}/{path}` with If-Match; a refusal's lines go to `alerts`. */
export function useRecordPage<T extends { version: number }>(base: string) {
  const id = String(useRoute().params.id)
  const record = ref<T | null>(null) as Ref<T | null>
  const error = ref('')
  const alerts = ref<string[]>([])
  async function load() {
    const answer = await getJson<T>(`${base}/${encodeURIComponent(id)}`)
    error.value = answer.problem ?? ''
    record.value = answer.data
  }
  load()
  const commands = recordCommand(() => record.value?.version, load)
  /** Whether the command was done (a form's input is then sent, useCommandForm). */
  async function run(path: string, body: Record<string, unknown>, done: string): Promise<boolean> {
    if (!record.value) return false
    alerts.value = await commands.run(`${base}/${encodeURIComponent(id)}/${path}`, body, done)
    return alerts.value.length === 0
  }
  return { record, error, alerts, load, run }
}

/** A form that records something new (婚姻登记记录证明, 不予救助): no version to match, one submission key per body
 * until a definitive answer (recordCommand); what was typed is unsent (useCommandForm) until the command is
 * done, then the form starts blank again and `answered` gets the answer. `busy` while it is sent; a refusal's
 * lines are `alerts`. */
export function useNewRecordForm<F extends object>(blank: () => F, path: string, body: (form: F) => Record<string, unknown>,
  done: string, answered: (answer: unknown) => void) {
  const alerts = ref<string[]>([])
  const busy = ref(false)
  const command = recordCommand(() => null, async () => undefined)
  const { form, submit } = useCommandForm(blank(), async (f) => {
    busy.value = true
    try {
      alerts.value = await command.run(path, body(f), done, (answer) => {
        answered(answer)
        Object.assign(f, blank())
      })
      return alerts.value.length === 0
    } finally {
      busy.value = false
    }
  })
  return { form, submit, alerts, busy }
}
