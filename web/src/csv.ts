// Reading a CSV file in the browser (RFC 4180: quoted fields, doubled quotes, CRLF or LF, a UTF-8 BOM) into
// records keyed by the header row; empty cells are left out, so the server applies its own defaults.
export function parseRows(text: string): string[][] {
  const rows: string[][] = []
  let row: string[] = []
  let cell = ''
  let quoted = false
  const source = text.replace(/^\uFEFF/, '')
  for (let i = 0; i < source.length; i++) {
    const c = source[i]
    if (quoted) {
      if (c === '"' && source[i + 1] === '"') { cell += '"'; i++ } else if (c === '"') quoted = false
      else cell += c
    } else if (c === '"') quoted = true
    else if (c === ',') { row.push(cell); cell = '' }
    else if (c === '\n' || c === '\r') {
      if (c === '\r' && source[i + 1] === '\n') i++
      row.push(cell); cell = ''
      if (row.some((v) => v !== '')) rows.push(row)
      row = []
    } else cell += c
  }
  row.push(cell)
  if (row.some((v) => v !== '')) rows.push(row)
  return rows
}

export function parseCsv(text: string): Record<string, string>[] {
  const [header, ...rows] = parseRows(text)
  if (!header) return []
  const names = header.map((h) => h.trim())
  return rows.map((row) => Object.fromEntries(names.map((name, i) => [name, (row[i] ?? '').trim()]).filter(([, v]) => v !== '')))
}
