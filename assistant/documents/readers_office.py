"""Word (.docx) and PDF files as text: body text in document order, list numbers included;
scanned PDF pages through OCR (``readers_tools``)."""

from __future__ import annotations

import io
import logging
import re
import shutil
import zipfile
from dataclasses import dataclass, field
from typing import cast

import docx
import pypdf
from docx.document import Document as DocxDocument
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.opc.part import XmlPart
from docx.oxml.ns import qn
from docx.oxml.xmlchemy import BaseOxmlElement
from pypdf import PasswordType
from pypdf.errors import DependencyError

from assistant.documents.readers_legacy import DocxFonts
from assistant.documents.readers_text import describe_error
from assistant.documents.readers_tools import (
    antiword_text,
    missing_tool,
    ocr_available,
    ocr_pdf_pages,
)
from assistant.errors import ReadError

logger = logging.getLogger("assistant.documents.readers")

# --- .docx ---------------------------------------------------------------------

# An encrypted .docx is not a zip but an OLE compound file, like a legacy .doc.
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


def read_docx(data: bytes, name: str) -> str:
    """Body text of a .docx, one paragraph or table row a line (see ``_DocxBody``)."""
    if data.startswith(_OLE_MAGIC):
        # An old .doc renamed .docx reads through antiword; an encrypted .docx does not.
        if shutil.which("antiword") is not None:
            try:
                return antiword_text(data, name)
            except ReadError:
                pass
        raise ReadError(
            name, "tệp .docx có mật khẩu hoặc là tệp .doc cũ (password-protected or legacy .doc)"
        )
    if not zipfile.is_zipfile(io.BytesIO(data)):
        raise ReadError(name, "tệp .docx bị hỏng (corrupted .docx: not a zip archive)")
    try:
        document = docx.Document(io.BytesIO(data))
        lines = _DocxBody(document).lines(document.element.body)
    except Exception as exc:  # python-docx, zipfile and lxml raise many types on a damaged package
        raise ReadError(
            name, f"tệp .docx bị hỏng (corrupted .docx: {describe_error(exc)})"
        ) from exc
    return "\n".join(lines)


# Runs of this paragraph only: text boxes hold paragraphs of their own; deleted text is not text.
_RUNS = (
    ".//w:r[not(ancestor::w:txbxContent) and not(ancestor::w:del) and not(ancestor::w:moveFrom)]"
)


class _DocxBody:
    """Body text in document order: one paragraph per line, a table row as cells joined by " | ".

    Headers, footers, footnotes, comments and text boxes are not body text and are left out.
    A soft line break inside a paragraph comes out as "\\n", as Word shows it; so do
    paragraphs inside a table cell, which keeps each written line its own line.
    """

    def __init__(self, document: DocxDocument) -> None:
        self._numbering = _ListNumbering(document)
        self._fonts = DocxFonts(document.styles.element)

    def lines(self, container: BaseOxmlElement) -> list[str]:
        out: list[str] = []
        for child in container.iterchildren():
            if child.tag == qn("w:p"):
                out.append(self._paragraph(child))
            elif child.tag == qn("w:tbl"):
                out.extend(self._table(child))
            elif child.tag == qn("w:sdt"):  # content control wrapping whole paragraphs
                content = child.find(qn("w:sdtContent"))
                if content is not None:
                    out.extend(self.lines(content))
            elif child.tag == qn("w:customXml"):
                out.extend(self.lines(child))
        return out

    def _paragraph(self, p: BaseOxmlElement) -> str:
        style = p.find(f"{qn('w:pPr')}/{qn('w:pStyle')}")
        style_id = style.get(qn("w:val")) if style is not None else None
        text = "".join(self._fonts.text(run, style_id, run.text) for run in p.xpath(_RUNS))
        marker = self._numbering.marker(p)
        if marker is None:
            return text
        return f"{marker.text}{marker.suffix}{text}" if text else marker.text

    def _table(self, tbl: BaseOxmlElement) -> list[str]:
        rows = []
        for tr in tbl.xpath("./w:tr | ./w:sdt/w:sdtContent/w:tr"):
            # One w:tc per visible cell: a horizontally merged cell is written once, and the
            # continuation of a vertically merged cell is empty, as Word shows it.
            cells = tr.xpath("./w:tc | ./w:sdt/w:sdtContent/w:tc")
            rows.append(" | ".join("\n".join(self.lines(tc)) for tc in cells))
        return rows


# Word's automatic list numbers are not in paragraph.text. Markers are rendered for the
# common cases, which cover Vietnamese directives ("1.", "a)", "-", "I."): numbering set on
# the paragraph or inherited through its style chain; numFmt decimal, decimalZero,
# lower/upperLetter, lower/upperRoman, bullet and none (any other format is counted in
# decimal); lvlText templates such as "%1.%2."; start, startOverride, lvlRestart and isLgl.
# Counters belong to the abstract definition and are shared by every w:num that uses it,
# as in Word (ECMA-376 §17.9). Not handled: numbering defined in lvlOverride/w:lvl
# beyond its start, custom formats inside mc:AlternateContent, levels linked to a style
# through lvl/w:pStyle without an ilvl, and paragraphs Word hides; such a paragraph keeps
# its text and may show a different number than Word would.
@dataclass(frozen=True)
class _Level:
    fmt: str
    template: str  # lvlText: "%1.", "%2)", "-"
    start: int
    restart: int | None  # lvlRestart: None restarts after any higher level, 0 never
    legal: bool  # isLgl: show every level's number in decimal
    suffix: str  # between the marker and the text: " ", or "" for w:suff="nothing"


@dataclass(frozen=True)
class _Marker:
    text: str
    suffix: str


@dataclass
class _Num:
    abstract_id: str
    start_overrides: dict[int, int] = field(default_factory=dict)


class _ListNumbering:
    def __init__(self, document: DocxDocument) -> None:
        self._abstract: dict[str, dict[int, _Level]] = {}
        self._style_link: dict[str, str] = {}  # abstractNumId -> numbering style it defers to
        self._nums: dict[str, _Num] = {}
        self._counters: dict[str, dict[int, int]] = {}
        self._seen: set[tuple[str, int]] = set()
        self._style_numpr: dict[str, tuple[str | None, str | None]] = {}
        self._based_on: dict[str, str] = {}
        self._default_style: str | None = None
        try:
            numbering = cast(XmlPart, document.part.part_related_by(RT.NUMBERING)).element
        except KeyError:
            return  # no numbering part: no list in this document is automatic
        for abstract in numbering.findall(qn("w:abstractNum")):
            abs_id = abstract.get(qn("w:abstractNumId"))
            self._abstract[abs_id] = {
                _int(lvl.get(qn("w:ilvl")), 0): _parse_level(lvl)
                for lvl in abstract.findall(qn("w:lvl"))
            }
            link = abstract.find(qn("w:numStyleLink"))
            if link is not None:
                self._style_link[abs_id] = link.get(qn("w:val"))
        for num in numbering.findall(qn("w:num")):
            ref = num.find(qn("w:abstractNumId"))
            if ref is None:
                continue
            entry = _Num(ref.get(qn("w:val")))
            for override in num.findall(qn("w:lvlOverride")):
                start = override.find(qn("w:startOverride"))
                if start is not None:
                    ilvl = _int(override.get(qn("w:ilvl")), 0)
                    entry.start_overrides[ilvl] = _int(start.get(qn("w:val")), 1)
            self._nums[num.get(qn("w:numId"))] = entry
        for style in document.styles.element.findall(qn("w:style")):
            style_id = style.get(qn("w:styleId"))
            based_on = style.find(qn("w:basedOn"))
            if based_on is not None:
                self._based_on[style_id] = based_on.get(qn("w:val"))
            if style.get(qn("w:type")) == "paragraph" and style.get(qn("w:default")) in (
                "1",
                "true",
            ):
                self._default_style = style_id
            self._style_numpr[style_id] = _numpr(style.find(qn("w:pPr")))

    def marker(self, p: BaseOxmlElement) -> _Marker | None:
        num_id, ilvl = self._paragraph_numpr(p)
        if num_id is None or num_id not in self._nums:  # numId "0" means "numbering removed"
            return None
        num = self._nums[num_id]
        abs_id = self._resolve_link(num.abstract_id)
        levels = self._abstract.get(abs_id, {})
        level = levels.get(ilvl)
        if level is None:
            return None
        counters = self._counters.setdefault(abs_id, {})
        if (num_id, ilvl) not in self._seen:
            self._seen.add((num_id, ilvl))
            if ilvl in num.start_overrides:
                counters[ilvl] = num.start_overrides[ilvl] - 1
        counters[ilvl] = counters[ilvl] + 1 if ilvl in counters else level.start
        for deeper, lower in levels.items():
            if (
                deeper > ilvl
                and lower.restart != 0
                and (lower.restart is None or ilvl < lower.restart)
            ):
                counters.pop(deeper, None)
        text = _render(level, levels, counters)
        return _Marker(text, level.suffix) if text else None

    def _paragraph_numpr(self, p: BaseOxmlElement) -> tuple[str | None, int]:
        ppr = p.find(qn("w:pPr"))
        num_id, ilvl = _numpr(ppr)
        style = ppr.find(qn("w:pStyle")) if ppr is not None else None
        style_id = style.get(qn("w:val")) if style is not None else self._default_style
        visited: set[str] = set()
        while (num_id is None or ilvl is None) and style_id and style_id not in visited:
            visited.add(style_id)
            style_num, style_ilvl = self._style_numpr.get(style_id, (None, None))
            num_id = num_id if num_id is not None else style_num
            ilvl = ilvl if ilvl is not None else style_ilvl
            style_id = self._based_on.get(style_id)
        return num_id, _int(ilvl, 0)

    def _resolve_link(self, abs_id: str) -> str:
        """An abstract definition may only point at a numbering style that holds the real levels."""
        style_id = self._style_link.get(abs_id)
        if style_id is None:
            return abs_id
        num_id = self._style_numpr.get(style_id, (None, None))[0]
        num = self._nums.get(num_id) if num_id else None
        return num.abstract_id if num is not None else abs_id


def _numpr(ppr: BaseOxmlElement | None) -> tuple[str | None, str | None]:
    numpr = ppr.find(qn("w:numPr")) if ppr is not None else None
    if numpr is None:
        return None, None
    num_id, ilvl = numpr.find(qn("w:numId")), numpr.find(qn("w:ilvl"))
    return (
        num_id.get(qn("w:val")) if num_id is not None else None,
        ilvl.get(qn("w:val")) if ilvl is not None else None,
    )


def _parse_level(lvl: BaseOxmlElement) -> _Level:
    def val(tag: str) -> str | None:
        el = lvl.find(qn(tag))
        return el.get(qn("w:val")) if el is not None else None

    restart = val("w:lvlRestart")
    return _Level(
        fmt=val("w:numFmt") or "decimal",
        template=val("w:lvlText") or "",
        start=_int(val("w:start"), 1),
        restart=None if restart is None else _int(restart, 0),
        legal=lvl.find(qn("w:isLgl")) is not None and val("w:isLgl") not in ("0", "false"),
        suffix="" if val("w:suff") == "nothing" else " ",
    )


def _render(level: _Level, levels: dict[int, _Level], counters: dict[int, int]) -> str:
    if level.fmt == "bullet":
        # Symbol/Wingdings bullets are private-use code points; "o" is Word's hollow bullet.
        if not level.template or any(0xE000 <= ord(c) <= 0xF8FF for c in level.template):
            return "•"
        return "◦" if level.template == "o" else level.template

    def number(match: re.Match[str]) -> str:
        k = int(match.group(1)) - 1
        other = levels.get(k)
        if other is None:
            return ""
        fmt = "decimal" if level.legal and other.fmt != "none" else other.fmt
        return _format_number(counters.get(k, other.start), fmt)

    return re.sub(r"%([1-9])", number, level.template)


_ROMAN = (
    (1000, "m"), (900, "cm"), (500, "d"), (400, "cd"), (100, "c"), (90, "xc"),
    (50, "l"), (40, "xl"), (10, "x"), (9, "ix"), (5, "v"), (4, "iv"), (1, "i"),
)  # fmt: skip


def _format_number(n: int, fmt: str) -> str:
    if fmt == "none":
        return ""
    if fmt in ("lowerLetter", "upperLetter") and n > 0:
        letters = chr(ord("a") + (n - 1) % 26) * ((n - 1) // 26 + 1)  # 27 -> "aa", as Word does
        return letters if fmt == "lowerLetter" else letters.upper()
    if fmt in ("lowerRoman", "upperRoman") and 0 < n < 4000:
        roman = ""
        for value, digits in _ROMAN:
            count, n = divmod(n, value)
            roman += digits * count
        return roman if fmt == "lowerRoman" else roman.upper()
    if fmt == "decimalZero":
        return f"{n:02d}"
    return str(n)


def _int(value: str | None, default: int) -> int:
    try:
        return int(value) if value is not None else default
    except ValueError:
        return default


# --- .pdf ------------------------------------------------------------------------


def read_pdf(data: bytes, name: str) -> tuple[str, bool]:
    """The text layer of every page, pages joined by "\\n", and whether OCR read any of it.

    A page without a text layer (a scan) is read by OCR (see ``readers_tools``); a PDF
    that is all scan needs the OCR tools, one with a few scanned pages among text pages
    keeps its text layer when they are missing.
    """
    try:
        reader = pypdf.PdfReader(io.BytesIO(data))
        # Many official PDFs carry only an owner password (no printing or copying) and open
        # with an empty user password.
        if reader.is_encrypted and reader.decrypt("") == PasswordType.NOT_DECRYPTED:
            raise ReadError(name, "PDF được mã hoá (encrypted PDF)")
        pages = [page.extract_text() or "" for page in reader.pages]
    except ReadError:
        raise
    except DependencyError as exc:  # AES encryption needs the optional 'cryptography' package
        raise ReadError(name, f"thiếu thư viện để đọc PDF này (missing dependency: {exc})") from exc
    except Exception as exc:  # pypdf raises many types on damaged files; partial text would mislead
        raise ReadError(name, f"tệp .pdf bị hỏng (corrupted .pdf: {describe_error(exc)})") from exc
    scanned = [number for number, text in enumerate(pages, 1) if not text.strip()]
    ocr = False
    if scanned and (len(scanned) == len(pages) or ocr_available()):
        try:
            read = ocr_pdf_pages(data, name, scanned)
        except ReadError as exc:
            if len(scanned) == len(pages):
                raise ReadError(name, f"PDF không có lớp chữ (bản quét): {exc.reason}") from exc
            logger.warning("%s: bỏ qua %d trang quét: %s", name, len(scanned), exc.reason)
            read = {}
        for number, text in read.items():
            if text.strip():
                pages[number - 1], ocr = text, True
    elif scanned:
        logger.warning(
            "%s: %d trang không có lớp chữ; %s", name, len(scanned),
            missing_tool("tesseract-ocr và tesseract-ocr-vie", "đọc các trang quét"),
        )  # fmt: skip
    text = "\n".join(pages)
    if not text.strip():
        raise ReadError(name, "PDF không có chữ, kể cả khi nhận dạng OCR (no text, even by OCR)")
    return text, ocr
