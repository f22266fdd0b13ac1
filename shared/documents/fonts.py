"""The CJK font embedded in every document, so that the text can be read back and printed anywhere.

ReportLab embeds TrueType outlines only (not the CFF outlines of Noto CJK / Source Han), and embeds just the
glyphs a document uses (a subset), so a certificate stays around 30 KB. The font is WenQuanYi Micro Hei
(Debian `fonts-wqy-microhei`, Apache 2.0 or GPLv3 with font exception), installed by `make up`/`make test`
(deploy/dev/system-packages.sh) and by the image (deploy/Dockerfile). `CIVREG_CJK_FONT` names another
TrueType file (`.ttf`, or `.ttc` with `#index`) where a site prefers one, e.g. a licensed 宋体 for the forms.
"""

from __future__ import annotations

import os
from functools import cache
from pathlib import Path

from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFError, TTFont

FONT_NAME = "CivregCJK"
FONT_ENV = "CIVREG_CJK_FONT"
CANDIDATES = (
    "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc",
    "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc",
)
INSTALL_HINT = "apt-get install fonts-wqy-microhei (make up does), or set CIVREG_CJK_FONT to a TrueType CJK font"


class FontMissing(RuntimeError):
    """No usable CJK font: a certificate without embedded Chinese glyphs is not printed."""


@cache
def cjk_font() -> str:
    """Register the CJK font with ReportLab once per process; returns its name for `setFont`."""
    configured = os.environ.get(FONT_ENV)
    choices = [configured] if configured else list(CANDIDATES)
    for choice in choices:
        path, _, index = choice.partition("#")
        if not Path(path).is_file():
            continue
        try:
            pdfmetrics.registerFont(TTFont(FONT_NAME, path, subfontIndex=int(index or 0)))
        except TTFError as exc:
            raise FontMissing(f"{path} is not a TrueType font ReportLab can embed: {exc}") from exc
        return FONT_NAME
    raise FontMissing(f"no CJK font at {', '.join(choices)}: {INSTALL_HINT}")
