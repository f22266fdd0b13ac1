// A command on a record page (record.ts): the submission key survives a 5xx and is dropped after a definitive
// answer, If-Match carries the version read, and 409 concurrency_conflict reloads the record (workbench.md §4).
import { beforeEach, describe, expect, it, vi } from 'vitest'
import { createPinia, setActivePinia } from 'pinia'

vi.mock('element-plus', () => ({
  ElMessage: { success: vi.fn() },
  ElMessageBox: { alert: vi.fn(() => Promise.resolve()) },
}))
import { ElMessage, ElMessageBox } from 'element-plus'
import { recordCommand } from './record'

const sent: Request[] = []
function answering(...answers: [number, unknown][]) {
  vi.stubGlobal('fetch', vi.fn(async (request: Request) => {
    sent.push(request)
    const [status, body] = answers.shift() ?? [500, {}]
    return new Response(JSON.stringify(body), { status, headers: { 'Content-Type': 'application/json' } })
  }))
}

beforeEach(() => {
  setActivePinia(createPinia())
  sent.length = 0
  vi.clearAllMocks()
})

describe('recordCommand', () => {
  it('resends the same key after a 5xx, sends If-Match with the version read, and reloads on success', async () => {
    answering([503, { code: 'service_unavailable', status: 503 }], [200, { child_id: 'c', version: 4 }])
    const reload = vi.fn(async () => undefined)
    const command = recordCommand(() => 3, reload)
    expect(await command.run('http://localhost/v1/child-welfare/children/c/visits', { findings: '良好' }, '已登记走访')).toEqual(['网络或服务暂时不可用，请重试'])
    expect(reload).not.toHaveBeenCalled()
    expect(await command.run('http://localhost/v1/child-welfare/children/c/visits', { findings: '良好' }, '已登记走访')).toEqual([])
    expect(sent.map((r) => r.headers.get('Idempotency-Key'))[0]).toBe(sent[1].headers.get('Idempotency-Key'))
    expect(sent[1].headers.get('If-Match')).toBe('3')
    expect(ElMessage.success).toHaveBeenCalledWith('已登记走访')
    expect(reload).toHaveBeenCalledOnce()
  })

  it('takes a new key after a refusal, and shows the refusal in Chinese with its rule', async () => {
    answering([422, { status: 422, code: 'extension_not_later', errors: [{ loc: ['body', 'until'], msg: 'x' }] }], [201, {}])
    const command = recordCommand(() => 2, async () => undefined)
    expect(await command.run('http://localhost/v1/vagrant-aid/cases/k/extension', { until: '2026-01-01' }, '已办理延期')).toEqual(['延期日期须晚于原期限 (V-5)'])
    await command.run('http://localhost/v1/vagrant-aid/cases/k/extension', { until: '2026-02-01' }, '已办理延期')
    expect(sent[0].headers.get('Idempotency-Key')).not.toBe(sent[1].headers.get('Idempotency-Key'))
  })

  it('answers 409 concurrency_conflict with 刷新记录: the record is reloaded', async () => {
    answering([409, { status: 409, code: 'concurrency_conflict' }])
    const reload = vi.fn(async () => undefined)
    await recordCommand(() => 1, reload).run('http://localhost/v1/child-welfare/children/c/decision', {}, '已认定')
    expect(ElMessageBox.alert).toHaveBeenCalledWith('该记录已被他人更新，请刷新后再办理', '提示', { confirmButtonText: '刷新记录' })
    expect(reload).toHaveBeenCalledOnce()
    expect(ElMessage.success).not.toHaveBeenCalled()
  })
})
