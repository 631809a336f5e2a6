"""Turn a user's file (.txt .md .docx .pdf .html) into source text, or say clearly why not.

``SourceText.text`` is the string every later character span indexes, so readers
never tidy plain text: a .txt/.md file comes back exactly as written, apart from
a dropped UTF-8 BOM, newlines unified to "\\n" and NFC normalisation.
"""

from __future__ import annotations

import codecs
import io
import logging
import re
import unicodedata
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import cast

import docx
import pypdf
from bs4 import BeautifulSoup, NavigableString, Tag
from bs4.dammit import EncodingDetector
from docx.document import Document as DocxDocument
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.opc.part import XmlPart
from docx.oxml.ns import qn
from docx.oxml.xmlchemy import BaseOxmlElement
from pypdf import PasswordType
from pypdf.errors import DependencyError

from assistant.errors import ReadError
from assistant.types import SkippedFile

logger = logging.getLogger(__name__)

MAX_FILE_BYTES = 20 * 1024 * 1024


@dataclass(frozen=True)
class SourceText:
    """A readable file's text, before any parsing."""

    source: str  # file name
    text: str  # NFC-normalised text; all later character spans index this string
    format: str  # "txt", "md", "docx", "pdf", "html"


_FORMATS = {
    ".txt": "txt",
    ".md": "md",
    ".docx": "docx",
    ".pdf": "pdf",
    ".html": "html",
    ".htm": "html",
}
SUPPORTED_SUFFIXES: frozenset[str] = frozenset(_FORMATS)

_BINARY = "không phải văn bản: có byte nhị phân (binary content)"
_NO_TEXT = "không có nội dung chữ (no text content)"


def read_source(path: Path, *, max_bytes: int = MAX_FILE_BYTES) -> SourceText:
    """Read one file as NFC text; raise ``ReadError`` with a reason a user can act on."""
    path = Path(path)
    name = path.name
    fmt = _FORMATS.get(path.suffix.lower())
    if fmt is None:
        shown = path.suffix.lower() or "không có đuôi tệp"
        raise ReadError(name, f"định dạng không hỗ trợ (unsupported format {shown})")
    try:
        if not path.is_file():
            raise ReadError(name, "không phải là tệp (not a regular file)")
        size = path.stat().st_size
        if size > max_bytes:  # checked before reading a single byte
            raise ReadError(name, f"tệp quá lớn: {_sizes(size, max_bytes)} (file too large)")
        if size == 0:
            raise ReadError(name, "tệp rỗng (empty file)")
        data = path.read_bytes()
    except OSError as exc:
        raise ReadError(name, f"không mở được tệp (cannot open file: {exc.strerror})") from exc
    if len(data) > max_bytes:  # the file grew after stat()
        raise ReadError(name, f"tệp quá lớn: {_sizes(len(data), max_bytes)} (file too large)")
    text = unicodedata.normalize("NFC", _READERS[fmt](data, name))
    if not text.strip():
        raise ReadError(name, _NO_TEXT)
    return SourceText(source=name, text=text, format=fmt)


def read_corpus_files(
    folder: Path, *, max_bytes: int = MAX_FILE_BYTES
) -> tuple[list[SourceText], list[SkippedFile]]:
    """Read every file directly in ``folder``, sorted by name; a bad file is logged, reported, skipped."""
    folder = Path(folder)
    try:
        entries = sorted(folder.iterdir(), key=lambda p: p.name)
    except OSError as exc:
        raise ReadError(
            str(folder), f"không mở được thư mục (cannot open folder: {exc.strerror})"
        ) from exc
    texts: list[SourceText] = []
    skipped: list[SkippedFile] = []
    for path in entries:
        # Hidden files and Word's "~$name.docx" lock files are not documents anyone dropped in.
        if path.name.startswith((".", "~$")):
            logger.debug("Bỏ qua tệp ẩn %s", path.name)
            continue
        try:
            if path.is_dir():
                raise ReadError(path.name, "là thư mục con, không được đọc (subfolder; not read)")
            texts.append(read_source(path, max_bytes=max_bytes))
        except ReadError as exc:
            logger.warning("Bỏ qua %s: %s", exc.source, exc.reason)
            skipped.append(SkippedFile(exc.source, exc.reason))
        except Exception as exc:  # a bug must not cost the user the rest of the corpus
            logger.exception("Lỗi không mong đợi khi đọc %s", path.name)
            skipped.append(
                SkippedFile(path.name, f"lỗi không mong đợi (unexpected error: {_describe(exc)})")
            )
    return texts, skipped


# --- plain text --------------------------------------------------------------


def _read_plain(data: bytes, name: str) -> str:
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        raise ReadError(
            name, "tệp mã hoá UTF-16, hãy lưu lại dạng UTF-8 (UTF-16 text; save as UTF-8)"
        )
    if b"\x00" in data:
        raise ReadError(name, _BINARY)
    bom = len(codecs.BOM_UTF8) if data.startswith(codecs.BOM_UTF8) else 0
    try:
        text = data[bom:].decode("utf-8")
    except UnicodeDecodeError as exc:
        at = exc.start + bom
        raise ReadError(name, f"không giải mã được UTF-8 (not valid UTF-8 at byte {at})") from exc
    return text.replace("\r\n", "\n").replace("\r", "\n")


# --- .docx ---------------------------------------------------------------------

# An encrypted .docx is not a zip but an OLE compound file, like a legacy .doc.
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


def _read_docx(data: bytes, name: str) -> str:
    if data.startswith(_OLE_MAGIC):
        raise ReadError(
            name, "tệp .docx có mật khẩu hoặc là tệp .doc cũ (password-protected or legacy .doc)"
        )
    if not zipfile.is_zipfile(io.BytesIO(data)):
        raise ReadError(name, "tệp .docx bị hỏng (corrupted .docx: not a zip archive)")
    try:
        document = docx.Document(io.BytesIO(data))
        lines = _DocxBody(document).lines(document.element.body)
    except Exception as exc:  # python-docx, zipfile and lxml raise many types on a damaged package
        raise ReadError(name, f"tệp .docx bị hỏng (corrupted .docx: {_describe(exc)})") from exc
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
        text = "".join(run.text for run in p.xpath(_RUNS))
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


def _read_pdf(data: bytes, name: str) -> str:
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
        raise ReadError(name, f"tệp .pdf bị hỏng (corrupted .pdf: {_describe(exc)})") from exc
    text = "\n".join(pages)
    if not text.strip():
        raise ReadError(
            name, "PDF không có lớp chữ, có thể là bản quét (no text layer; scanned PDF?)"
        )
    return text


# --- .html -------------------------------------------------------------------------

_JUNK_TAGS = (
    "script",
    "style",
    "noscript",
    "nav",
    "aside",
    "form",
    "iframe",
    "template",
    "svg",
    "footer",
)
_BLOCK_TAGS = (
    "address", "article", "blockquote", "caption", "dd", "details", "div", "dl", "dt", "figcaption",
    "figure", "h1", "h2", "h3", "h4", "h5", "h6", "header", "hr", "li", "main", "ol", "p", "pre",
    "section", "summary", "table", "tr", "ul",
)  # fmt: skip
_BLOCK = "\x00"  # a block boundary; NUL never survives into the text (binary check)
_HTML_SPACE = re.compile(r"[ \t\n\r\f\xa0]+")


def _read_html(data: bytes, name: str) -> str:
    text = _decode_html(data, name)
    if "\x00" in text:
        raise ReadError(name, _BINARY)
    soup = BeautifulSoup(text, "lxml")
    root = _main_content(soup)
    for tag in root.find_all(_JUNK_TAGS):
        if not tag.decomposed:
            tag.decompose()
    for tag in root.find_all("header"):
        # A page header is chrome; an article's own header holds its title and date.
        if not tag.decomposed and tag.find_parent("article") is None:
            tag.decompose()
    # HTML collapses source whitespace; &nbsp; is used as a plain space for layout.
    for string in root.find_all(string=True):
        if type(string) is NavigableString and string.find_parent("pre") is None:
            string.replace_with(_HTML_SPACE.sub(" ", string))
    for br in root.find_all("br"):
        br.replace_with("\n")
    for cell in root.find_all(["td", "th"]):
        if cell.find_previous_sibling(["td", "th"]) is not None:
            cell.insert_before(" | ")
    # get_text(separator="\n") would also split at inline tags ("Theo <b>Kế hoạch</b>"), so
    # newlines go only at block boundaries, and nested blocks make one newline, not several.
    for tag in root.find_all(_BLOCK_TAGS):
        tag.insert_before(_BLOCK)
        tag.insert_after(_BLOCK)
    raw = re.sub(rf"\s*{_BLOCK}[\s{_BLOCK}]*", "\n", root.get_text())
    lines = "\n".join(line.strip() for line in raw.split("\n"))
    return re.sub(r"\n{3,}", "\n\n", lines).strip("\n")


def _decode_html(data: bytes, name: str) -> str:
    body, encoding = EncodingDetector.strip_byte_order_mark(data)
    if encoding is None:
        encoding = EncodingDetector.find_declared_encoding(body, is_html=True) or "utf-8"
        # A page that declares UTF-16 without a BOM is UTF-8 in practice (WHATWG).
        if encoding.lower().replace("-", "").startswith(("utf16", "utf32")):
            encoding = "utf-8"
    try:
        codec = codecs.lookup(encoding).name
    except LookupError:
        logger.info("%s: không biết bảng mã %r, dùng UTF-8", name, encoding)
        codec = encoding = "utf-8"
    try:
        return body.decode(codec)
    except UnicodeDecodeError as exc:
        if codec == "utf-8":
            raise ReadError(
                name, f"không giải mã được UTF-8 (not valid UTF-8 at byte {exc.start})"
            ) from exc
        raise ReadError(
            name, f"không giải mã được theo bảng mã {encoding} (not valid {encoding})"
        ) from exc


def _main_content(soup: BeautifulSoup) -> Tag:
    """The <main> element, else the longest <article>, else <body>."""
    main = soup.find("main") or soup.find(True, {"role": "main"})
    if isinstance(main, Tag):
        return main
    articles = soup.find_all("article")
    if articles:
        return max(articles, key=lambda a: len(a.get_text()))
    body = soup.find("body")
    return body if isinstance(body, Tag) else soup


# --- shared --------------------------------------------------------------------------

_READERS: dict[str, Callable[[bytes, str], str]] = {
    "txt": _read_plain,
    "md": _read_plain,
    "docx": _read_docx,
    "pdf": _read_pdf,
    "html": _read_html,
}


def _describe(exc: BaseException) -> str:
    """A short, single-line description of a library error."""
    message = " ".join(str(exc).split())
    message = re.sub(
        r" ?'?<_io\.BytesIO object at 0x[0-9a-f]+>'?", "", message
    )  # we read from memory
    detail = f"{type(exc).__name__}: {message}" if message else type(exc).__name__
    return detail if len(detail) <= 120 else detail[:117] + "..."


def _sizes(size: int, limit: int) -> str:
    shown, cap = _format_size(size), _format_size(limit)
    if shown == cap:  # 20.04 MB vs 20 MB: rounding hides the difference, so show bytes
        shown, cap = f"{size:,} byte".replace(",", "."), f"{limit:,} byte".replace(",", ".")
    return f"{shown} > {cap}"


def _format_size(n: int) -> str:
    """Vietnamese style: decimal comma, "25,3 MB"."""
    for unit, scale in (("MB", 1024 * 1024), ("KB", 1024)):
        if n >= scale:
            value = f"{n / scale:.1f}".removesuffix(".0").replace(".", ",")
            return f"{value} {unit}"
    return f"{n} byte"
