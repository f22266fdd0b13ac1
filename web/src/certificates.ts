// Certificates as documents (K-1, K-8): the printable PDF of a copy, fetched with the staff member's token (the
// route needs it, so a plain link cannot open it) and saved under its 字号. The verification code comes only with
// the issuing answer, so the document is offered there, once per copy.
import { getRaw } from '@/api/client'
import { messageOf } from '@/problems'
import { download } from '@/export'

/** One copy as the issuing answer lists it (api.md release 2: `certificates`). */
export interface IssuedCopy { number: string; holder_id_number?: string | null; verification_code?: string | null }

/** The copies of an answer; release-1 answers listed bare numbers, which carry no code and print no PDF. */
export function issuedCopies(certificates: unknown[]): IssuedCopy[] {
  return certificates.map((c) => (typeof c === 'string' ? { number: c } : (c as IssuedCopy)))
}

/** The PDF route of one copy (`GET /v1/certificates/{number}.pdf?code=`). */
export function certificatePdfPath(copy: IssuedCopy): string {
  return `/v1/certificates/${encodeURIComponent(copy.number)}.pdf?code=${encodeURIComponent(copy.verification_code ?? '')}`
}

/** The PDF at `path`, fetched with the staff member's token: the document, or the refusal in Chinese. */
export async function fetchCertificatePdf(path: string): Promise<{ pdf: Blob; problem: null } | { pdf: null; problem: string }> {
  const response = await getRaw(path, 'application/pdf')
  if (response.ok) return { pdf: await response.blob(), problem: null }
  const body = await response.json().catch(() => ({ code: 'internal_error' }))
  return { pdf: null, problem: messageOf(String(body.code)) }
}

/** Saves the copy's PDF as `<字号>.pdf`; null when saved, else the refusal in Chinese. */
export async function saveCertificatePdf(copy: IssuedCopy): Promise<string | null> {
  const { pdf, problem } = await fetchCertificatePdf(certificatePdfPath(copy))
  if (pdf) download(`${copy.number}.pdf`, pdf)
  return problem
}

// The copies a command issued, by the record they belong to, while the tab stays open: the verification code
// comes only with the issuing answer, and the page opened after it (a record) prints with it. In memory only,
// and only for the staff member who issued them.
const issuedByRecord = new Map<string, { by: string; copies: IssuedCopy[] }>()

export function rememberIssued(by: string | undefined, record: string, copies: IssuedCopy[] | null | undefined): void {
  if (by && copies?.length) issuedByRecord.set(record, { by, copies })
}

export function issuedFor(by: string | undefined, record: string): IssuedCopy[] {
  const remembered = issuedByRecord.get(record)
  return remembered && remembered.by === by ? remembered.copies : []
}
