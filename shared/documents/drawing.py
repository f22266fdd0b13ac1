"""A page in millimetres from its top-left corner, as forms are measured: text in the embedded CJK font,
boxes, and the verification QR code drawn as vector squares (sharp at any printer resolution, no image
library). ReportLab's `invariant` mode leaves out the creation time, so the same data gives the same bytes.
"""

from __future__ import annotations

import datetime as dt
import io

import segno
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas

from shared.documents.fonts import cjk_font

# A QR code's quiet zone, in modules: the standard asks for 4 so that scanners find its edges.
QUIET_ZONE = 4


def chinese_date(day: dt.date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


class Page:
    def __init__(self, width_mm: float, height_mm: float, title: str, subject: str) -> None:
        self.buffer = io.BytesIO()
        self.height = height_mm
        self.font = cjk_font()
        self.canvas = Canvas(self.buffer, pagesize=(width_mm * mm, height_mm * mm), invariant=True,
                             initialFontName=self.font, pageCompression=1, lang="zh-CN")
        self.canvas.setTitle(title)
        self.canvas.setSubject(subject)
        self.canvas.setCreator("civreg")

    def text(self, x: float, y: float, value: str, size: float = 10, *, align: str = "left") -> None:
        """`value` with its baseline `y` mm from the top; `align` left, centre or right of `x`."""
        self.canvas.setFont(self.font, size)
        draw = {"left": self.canvas.drawString, "centre": self.canvas.drawCentredString,
                "right": self.canvas.drawRightString}[align]
        draw(x * mm, (self.height - y) * mm, value)

    def field(self, x: float, y: float, label: str, value: str, size: float = 9, label_width: float = 22) -> None:
        self.text(x, y, label, size)
        self.text(x + label_width, y, value, size)

    def box(self, x: float, y: float, width: float, height: float, *, dashed: bool = False) -> None:
        self.canvas.saveState()
        self.canvas.setLineWidth(0.4)
        if dashed:
            self.canvas.setDash(2, 2)
        self.canvas.rect(x * mm, (self.height - y - height) * mm, width * mm, height * mm)
        self.canvas.restoreState()

    def line(self, x1: float, y1: float, x2: float, y2: float) -> None:
        self.canvas.setLineWidth(0.4)
        self.canvas.line(x1 * mm, (self.height - y1) * mm, x2 * mm, (self.height - y2) * mm)

    def qr(self, x: float, y: float, size: float, data: str) -> None:
        """A QR code of `data` (error correction M) filling a `size` mm square, quiet zone included."""
        code = segno.make_qr(data, error="m")
        modules = list(code.matrix)
        count = len(modules) + 2 * QUIET_ZONE
        module = size / count
        self.canvas.saveState()
        self.canvas.setFillColorRGB(0, 0, 0)
        for row, cells in enumerate(modules):
            for column, dark in enumerate(cells):
                if dark:
                    left = x + (column + QUIET_ZONE) * module
                    top = y + (row + QUIET_ZONE) * module
                    self.canvas.rect(left * mm, (self.height - top - module) * mm, module * mm, module * mm,
                                     stroke=0, fill=1)
        self.canvas.restoreState()

    def finish(self) -> bytes:
        self.canvas.showPage()
        self.canvas.save()
        return self.buffer.getvalue()
