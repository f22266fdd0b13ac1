// The signed-in session (workbench.md §1): the access token lives in memory only; the refresh token is an
// HttpOnly cookie on /v1/auth that scripts never see (api.md "Clerk workbench"). Refresh is single-flight;
// when it fails, a 重新登录 dialog opens over the page, which stays mounted, and the request is replayed.
import { defineStore } from 'pinia'

export interface Principal { username: string; name: string; role: string; office?: string | null }
interface TokenAnswer { access_token: string; expires_in: number; principal?: Principal }

const channel = typeof BroadcastChannel !== 'undefined' ? new BroadcastChannel('civreg-session') : null
let refreshing: Promise<boolean> | null = null
let timer: ReturnType<typeof setTimeout> | undefined
let waiting: (() => void)[] = []

/** A POST to the auth routes; without a body, refresh and logout read the HttpOnly refresh cookie. */
async function post(path: string, body?: unknown): Promise<Response> {
  const headers: Record<string, string> = { 'Accept-Language': 'zh-CN', 'Idempotency-Key': crypto.randomUUID() }
  if (body !== undefined) headers['Content-Type'] = 'application/json'
  return fetch(path, {
    method: 'POST',
    credentials: 'same-origin',
    headers,
    body: body === undefined ? undefined : JSON.stringify(body),
  })
}

export const useSession = defineStore('session', {
  state: () => ({
    accessToken: null as string | null,
    principal: null as Principal | null,
    reloginOpen: false,
  }),
  getters: {
    signedIn: (state) => state.accessToken !== null,
    role: (state) => state.principal?.role ?? '',
  },
  actions: {
    /** POST /v1/auth/login?session=cookie; the code of a refusal (`invalid_credentials`, `account_locked`). */
    async login(username: string, password: string): Promise<string | null> {
      const response = await post('/v1/auth/login?session=cookie', { username, password })
      if (!response.ok) {
        const problem = await response.json().catch(() => ({ code: 'internal_error' }))
        return problem.code ?? 'internal_error'
      }
      await this.accept(await response.json())
      this.reloginOpen = false
      waiting.splice(0).forEach((resume) => resume())
      return null
    },
    async accept(answer: TokenAnswer) {
      this.accessToken = answer.access_token
      this.principal = answer.principal ?? (await this.me())
      clearTimeout(timer)
      // Refresh a minute before the token expires, so a clerk at work is never asked to sign in again.
      timer = setTimeout(() => void this.refresh(), Math.max(answer.expires_in - 60, 10) * 1000)
    },
    async me(): Promise<Principal | null> {
      const response = await fetch('/v1/me', { headers: { Authorization: `Bearer ${this.accessToken}` } })
      if (!response.ok) return null
      const me = await response.json()
      return { username: me.username ?? me.name, name: me.name, role: me.role, office: me.office }
    },
    /** A new access token from the refresh cookie; one request at a time however many callers wait. */
    refresh(): Promise<boolean> {
      refreshing ??= (async () => {
        try {
          const response = await post('/v1/auth/refresh')
          if (!response.ok) return false
          await this.accept(await response.json())
          return true
        } catch {
          return false
        } finally {
          refreshing = null
        }
      })()
      return refreshing
    },
    /** After a 401: refresh, else the 重新登录 dialog; resolves when a token is there again. */
    async reauthenticate(): Promise<void> {
      if (await this.refresh()) return
      this.reloginOpen = true
      await new Promise<void>((resume) => waiting.push(resume))
    },
    async logout(broadcast = true) {
      if (broadcast) {
        await post('/v1/auth/logout').catch(() => undefined)
        channel?.postMessage('logout')
      }
      clearTimeout(timer)
      this.accessToken = null
      this.principal = null
    },
  },
})

export function listenForLogout(onLogout: () => void) {
  if (channel) channel.onmessage = (event) => event.data === 'logout' && onLogout()
}
