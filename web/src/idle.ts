// The idle warning (workbench.md §1, "Expiry without losing a form"): after `warnAfterMs` without input the
// workbench asks 继续工作 / 退出登录; unanswered for `graceMs`, it signs out (window PCs are shared). Any key,
// click or pointer movement before the warning starts the wait again.
export interface IdleOptions {
  warnAfterMs: number
  graceMs: number
  /** Shows the question; resolves true for 继续工作, false for 退出登录. */
  warn: () => Promise<boolean>
  /** Closes the question when the grace period ends unanswered. */
  dismiss: () => void
  logout: () => Promise<void> | void
  target?: EventTarget
}

const ACTIVITY = ['keydown', 'pointerdown', 'pointermove', 'wheel'] as const

export function watchIdle(options: IdleOptions): () => void {
  const target = options.target ?? window
  let idle: ReturnType<typeof setTimeout> | undefined
  let grace: ReturnType<typeof setTimeout> | undefined
  let warning = false
  let stopped = false

  const restart = () => {
    if (warning || stopped) return // while the question is open only its buttons count
    clearTimeout(idle)
    idle = setTimeout(ask, options.warnAfterMs)
  }
  async function ask() {
    warning = true
    let expired = false
    grace = setTimeout(() => {
      expired = true
      options.dismiss()
    }, options.graceMs)
    const keepWorking = await options.warn().catch(() => false)
    clearTimeout(grace)
    warning = false
    if (stopped) return
    if (keepWorking && !expired) restart()
    else await options.logout()
  }
  ACTIVITY.forEach((name) => target.addEventListener(name, restart, { passive: true }))
  restart()
  return () => {
    stopped = true
    clearTimeout(idle)
    clearTimeout(grace)
    ACTIVITY.forEach((name) => target.removeEventListener(name, restart))
  }
}
