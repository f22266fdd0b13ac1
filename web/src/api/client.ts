// The typed API client: openapi-fetch over the gateway's OpenAPI types, with the bearer token, Chinese
// problem text, and one replay after re-authentication (same request, same Idempotency-Key).
import createClient from 'openapi-fetch'
import type { paths } from './schema'
import { mapProblem, messageOf, type MappedProblem, type ProblemBody } from '@/problems'
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

/** The answer to a command: its body, or the refusal mapped to Chinese (fields, alerts, warnings). */
export type SentProblem = MappedProblem & { code: string; status: number }
export type Sent<T> = { data: T; problem: null } | { data: null; problem: SentProblem }

/** POST/PUT a command with one Idempotency-Key per submission (the caller keeps it for retries) and, on a
 * record page, `If-Match` with the version read. The body goes as the form holds it. */
export async function send<T>(method: 'POST' | 'PUT', path: string, body: unknown,
  options: { key?: string; ifMatch?: number | null } = {}): Promise<Sent<T>> {
  const headers: Record<string, string> = { 'Content-Type': 'application/json', 'Idempotency-Key': options.key ?? newSubmissionKey() }
  if (options.ifMatch) headers['If-Match'] = String(options.ifMatch)
  const response = await authorisedFetch(new Request(path, { method, headers, body: JSON.stringify(body ?? {}) }))
  const answer = await response.json().catch(() => ({ code: 'internal_error', status: response.status }))
  if (response.ok) return { data: answer as T, problem: null }
  return { data: null, problem: { ...mapProblem(answer as ProblemBody), code: String(answer.code), status: response.status } }
}

/** Every problem text of a mapped refusal, for an alert above a form. */
export function problemLines(problem: MappedProblem): string[] {
  return [...problem.alerts, ...Object.values(problem.fields)]
}
