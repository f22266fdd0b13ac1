// Element Plus's date panel is an anonymous role="dialog"; the workbench names it so screen readers and axe do not
// meet a nameless dialog.
import { describe, expect, it } from 'vitest'
import { nameAnonymousDialogs } from './a11y'

const flush = () => new Promise((resolve) => setTimeout(resolve, 0))

describe('nameAnonymousDialogs', () => {
  it('names a date panel present at start and one inserted later, and leaves named dialogs alone', async () => {
    document.body.innerHTML = '<div class="el-popper el-picker__popper" role="dialog" id="early"></div>'
      + '<div class="el-popper el-picker__popper" role="dialog" aria-label="自定义" id="named"></div>'
    const observer = nameAnonymousDialogs(document)
    const late = document.createElement('div')
    late.className = 'el-popper el-picker__popper'
    late.setAttribute('role', 'dialog')
    document.body.appendChild(late)
    await flush()
    expect(document.getElementById('early')?.getAttribute('aria-label')).toBe('选择日期')
    expect(document.getElementById('named')?.getAttribute('aria-label')).toBe('自定义')
    expect(late.getAttribute('aria-label')).toBe('选择日期')
    observer.disconnect()
  })
})
