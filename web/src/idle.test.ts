// The idle warning (idle.ts): asked after the idle time, the wait restarted by input, signed out when the
// question is refused or left unanswered.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { watchIdle } from './idle'

beforeEach(() => vi.useFakeTimers())
afterEach(() => vi.useRealTimers())

function setUp(answer: () => Promise<boolean>) {
  const target = new EventTarget()
  const warn = vi.fn(answer)
  const dismiss = vi.fn()
  const logout = vi.fn()
  const stop = watchIdle({ warnAfterMs: 1000, graceMs: 100, warn, dismiss, logout, target })
  return { target, warn, dismiss, logout, stop }
}

describe('watchIdle', () => {
  it('asks only after the idle time, input restarting the wait', async () => {
    const { target, warn, stop } = setUp(() => Promise.resolve(true))
    await vi.advanceTimersByTimeAsync(900)
    target.dispatchEvent(new Event('keydown'))
    await vi.advanceTimersByTimeAsync(900)
    expect(warn).not.toHaveBeenCalled()
    await vi.advanceTimersByTimeAsync(200)
    expect(warn).toHaveBeenCalledOnce()
    stop()
  })
  it('keeps the session on 继续工作 and asks again after another idle time', async () => {
    const { warn, logout, stop } = setUp(() => Promise.resolve(true))
    await vi.advanceTimersByTimeAsync(1000)
    await vi.advanceTimersByTimeAsync(1000)
    expect(warn).toHaveBeenCalledTimes(2)
    expect(logout).not.toHaveBeenCalled()
    stop()
  })
  it('signs out on 退出登录', async () => {
    const { logout, stop } = setUp(() => Promise.resolve(false))
    await vi.advanceTimersByTimeAsync(1000)
    expect(logout).toHaveBeenCalledOnce()
    stop()
  })
  it('signs out when the question is left unanswered for the grace period', async () => {
    let answer: (value: boolean) => void = () => undefined
    const { dismiss, logout, stop } = setUp(() => new Promise<boolean>((resolve) => { answer = resolve }))
    await vi.advanceTimersByTimeAsync(1000 + 100)
    expect(dismiss).toHaveBeenCalledOnce()
    answer(true) // the dialog closed by the timeout answers too late: still signed out
    await vi.advanceTimersByTimeAsync(0)
    expect(logout).toHaveBeenCalledOnce()
    stop()
  })
})
