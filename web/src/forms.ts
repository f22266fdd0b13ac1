// Form behaviour shared by every form (workbench.md §4): a scanner types the number then Enter, so Enter in
// an input moves to the next field; only the form's button submits.
export function focusNextOnEnter(event: KeyboardEvent): void {
  const target = event.target as HTMLElement | null
  if (!(target instanceof HTMLInputElement) || event.isComposing) return
  const form = target.closest('form')
  if (!form) return
  event.preventDefault()
  const fields = Array.from(form.querySelectorAll<HTMLElement>('input:not([type="hidden"]):not([disabled]), textarea:not([disabled]), button:not([disabled])'))
    .filter((el) => el.tabIndex >= 0)
  const next = fields[fields.indexOf(target) + 1]
  next?.focus()
}
