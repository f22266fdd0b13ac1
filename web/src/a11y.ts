/**
 * Accessible names for Element Plus's pop-up panels.
 *
 * The date picker's panel is a `role="dialog"` popper with no name, and the picker offers no prop to give it
 * one (its `aria-label` goes to the input). A screen reader then announces an anonymous dialog, and axe
 * reports `aria-dialog-name`. This names every such panel as it is inserted, after the field it belongs to.
 */
const PANEL_NAMES: Array<[string, string]> = [
  ['.el-picker__popper', '选择日期'],
]

function nameDialogs(root: ParentNode): void {
  for (const [selector, name] of PANEL_NAMES) {
    root.querySelectorAll<HTMLElement>(`${selector}[role="dialog"]:not([aria-label]):not([aria-labelledby])`)
      .forEach((panel) => panel.setAttribute('aria-label', name))
  }
}

/** Names the panels present now and every panel added later. */
export function nameAnonymousDialogs(doc: Document = document): MutationObserver {
  nameDialogs(doc)
  const observer = new MutationObserver(() => nameDialogs(doc))
  observer.observe(doc.body, { childList: true, subtree: true, attributes: true, attributeFilter: ['role'] })
  return observer
}
