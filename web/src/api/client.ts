// The typed API client: openapi-fetch over the gateway's OpenAPI types, with the bearer token, Chinese
// problem text, and one replay after re-authentication (same request, same Idempotency-Key).
import createClient from 'openapi-fetch'
import type { paths } from './schema'
import { messageOf } from '@/problems'
import { useSession } from '@/stores/session'

async function authorisedFetch(request: Request): Promise<Response> {
  const session = useSession()
  const retry = request.clone() // the body is read once per send; keep it for the replay
  const send = (req: Request) => {
    req.headers.set('Accept-Language', 'zh-CN')
    if (session.accessToken) req.headers.set('Authorization', `Bearer ${session.accessToken}`)
    return fetch(req)
  }
  const response = await send(request)
  if (response.status !== 401) return response
  await session.reauthenticate()
  return send(retry)
}

export const api = createClient<paths>({ baseUrl: '', fetch: authorisedFetch })

/** A fresh key per submission; the form keeps it until a definitive answer (workbench.md §4). */
export function newSubmissionKey(): string {
  return crypto.randomUUID()
}

/** A plain authorised GET for non-JSON answers (CSV, PDF) and routes the types do not describe yet. */
export async function getRaw(path: string, accept = 'application/json'): Promise<Response> {
  return authorisedFetch(new Request(path, { headers: { Accept: accept } }))
}

/** GET a JSON answer; a refusal comes back as its Chinese message (with its rule) instead of data. */
export async function getJson<T>(path: string): Promise<{ data: T; problem: null } | { data: null; problem: string }> {
  const response = await getRaw(path)
  const body = await response.json().catch(() => ({ code: 'internal_error' }))
  return response.ok ? { data: body as T, problem: null } : { data: null, problem: messageOf(body.code) }
}
