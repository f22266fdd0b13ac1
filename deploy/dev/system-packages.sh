#!/usr/bin/env bash
# Debian packages civreg needs beside Python's: the CJK font embedded in certificate PDFs (shared/documents)
# and, for the tests, poppler (PDF to PNG) and zbar (reads the QR code back). Installs what is missing when
# run as root with apt-get (the development machines and CI); otherwise says what to install. Used by
# `make up` and `make test`. The image needs the font as well (fonts-wqy-microhei in deploy/Dockerfile).
set -euo pipefail

declare -A NEEDED=(
    [fonts-wqy-microhei]=/usr/share/fonts/truetype/wqy/wqy-microhei.ttc
    [poppler-utils]=/usr/bin/pdftoppm
    [zbar-tools]=/usr/bin/zbarimg
)
missing=()
for package in "${!NEEDED[@]}"; do
    [ -e "${NEEDED[$package]}" ] || missing+=("$package")
done
[ ${#missing[@]} -eq 0 ] && exit 0

if [ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null; then
    echo "installing ${missing[*]} ..."
    apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null 2>&1 \
        || { apt-get update -qq && apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null; }
else
    echo "missing Debian packages: ${missing[*]} (apt-get install ${missing[*]}); certificate PDFs need" \
         "fonts-wqy-microhei or CIVREG_CJK_FONT, and the certificate image tests skip without the others" >&2
fi
