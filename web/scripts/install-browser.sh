#!/usr/bin/env bash
# The browser the workbench's tests drive: Debian's chromium (Playwright's own download does not work
# everywhere), and a CJK font so that screenshots show Chinese. Installed with apt where we may; otherwise
# says what to install. CHROMIUM may name another Chromium binary.
set -euo pipefail
browser="${CHROMIUM:-$(command -v chromium || command -v chromium-browser || true)}"
font=$(fc-list :lang=zh family 2>/dev/null | head -n 1 || true)
[[ -n "$browser" && -n "$font" ]] && exit 0
packages=()
[[ -z "$browser" ]] && packages+=(chromium)
[[ -z "$font" ]] && packages+=(fonts-noto-cjk)
if [[ $(id -u) -eq 0 ]] && command -v apt-get >/dev/null; then
    apt-get install -y -qq "${packages[@]}" >/dev/null || { apt-get update -qq && apt-get install -y -qq "${packages[@]}" >/dev/null; }
elif [[ -z "$browser" ]]; then
    echo "The workbench's browser tests need Chromium: apt-get install ${packages[*]} (or set CHROMIUM=/path/to/chromium)." >&2
    exit 1
else
    echo "note: no CJK font; screenshots will show boxes for Chinese: apt-get install fonts-noto-cjk" >&2
fi
