"""Build .docx and .pdf fixtures from lines of text, to test readers and parsers on real formats.

Both builders write one input line as one line of the document, so a corpus text
split on "\\n" can be rebuilt as a .docx or .pdf and parsed again:

    make_docx(text.split("\\n"), tmp_path / "doc.docx")
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from pathlib import Path

import docx
import matplotlib
from reportlab.lib.pagesizes import A4
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen import canvas

Table = Sequence[Sequence[str]]  # rows of cell texts


class Heading(str):
    """A line written with Word's "Heading 1" style instead of as a plain paragraph."""


def make_docx(lines: Iterable[str | Table], path: Path) -> Path:
    """One paragraph per line (empty lines stay empty paragraphs); a list of rows becomes a table."""
    document = docx.Document()
    for item in lines:
        if isinstance(item, Heading):
            document.add_heading(item, level=1)
        elif isinstance(item, str):
            document.add_paragraph(item)
        else:
            rows = [list(row) for row in item]
            table = document.add_table(rows=len(rows), cols=max(len(row) for row in rows))
            for row, values in zip(table.rows, rows, strict=True):
                for cell, value in zip(row.cells, values, strict=False):
                    cell.text = value
    document.save(str(path))
    return path


_FONT = "DejaVuSans"  # ships with matplotlib and has every Vietnamese glyph


def make_pdf(lines: Iterable[str], path: Path, *, font_size: float = 10) -> Path:
    """One text line per input line, top to bottom, with a new page when one is full.

    Lines are not wrapped (a long line runs past the right margin but stays one line of
    extractable text). Empty lines leave a gap; pypdf does not report gaps as empty lines.
    A tab is drawn as a space. Compare with the input after collapsing whitespace.
    """
    font = _vietnamese_font()
    height = A4[1]
    margin = 56.0
    pdf = canvas.Canvas(str(path), pagesize=A4, invariant=True)  # invariant: same bytes every run
    pdf.setFont(font, font_size)
    y = height - margin
    for line in lines:
        if y < margin:
            pdf.showPage()
            pdf.setFont(font, font_size)
            y = height - margin
        if line.strip():
            pdf.drawString(margin, y, line.replace("\t", " "))  # the font has no tab glyph
        y -= font_size * 1.5
    pdf.save()
    return path


def _vietnamese_font() -> str:
    if _FONT not in pdfmetrics.getRegisteredFontNames():
        ttf = Path(matplotlib.get_data_path()) / "fonts" / "ttf" / "DejaVuSans.ttf"
        pdfmetrics.registerFont(TTFont(_FONT, str(ttf)))
    return _FONT
