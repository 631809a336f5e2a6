"""Turn a user's file (.txt .md .docx .doc .pdf .html) into source text, or say clearly why not.

``SourceText.text`` is the string every later character span indexes, so readers
never tidy plain text: a .txt/.md file comes back exactly as written, apart from
a dropped UTF-8 BOM, newlines unified to "\\n" and NFC normalisation. A scanned PDF is read by OCR and an old ``.doc`` by antiword
(``readers_tools``); ``SourceText.ocr`` says the text was read from page images. Office
files typed in the old TCVN3 font encoding come back in Unicode (``readers_legacy``).
"""

from __future__ import annotations

import logging
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from assistant.documents.readers_legacy import tcvn3_to_unicode
from assistant.documents.readers_office import read_docx, read_pdf
from assistant.documents.readers_text import describe_error, read_plain
from assistant.documents.readers_tools import read_doc
from assistant.documents.readers_web import read_html
from assistant.errors import ReadError
from assistant.types import SkippedFile

logger = logging.getLogger(__name__)

MAX_FILE_BYTES = 20 * 1024 * 1024


@dataclass(frozen=True)
class SourceText:
    """A readable file's text, before any parsing."""

    source: str  # file name
    text: str  # NFC-normalised text; all later character spans index this string
    format: str  # "txt", "md", "docx", "doc", "pdf", "html"
    ocr: bool = False  # some or all of the text was read from page images by OCR


_FORMATS = {
    ".txt": "txt",
    ".md": "md",
    ".docx": "docx",
    ".doc": "doc",
    ".pdf": "pdf",
    ".html": "html",
    ".htm": "html",
}
SUPPORTED_SUFFIXES: frozenset[str] = frozenset(_FORMATS)

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
    raw, ocr = _READERS[fmt](data, name)
    if fmt not in ("txt", "md"):  # plain text comes back as written
        raw = tcvn3_to_unicode(raw)
    text = unicodedata.normalize("NFC", raw)
    if not text.strip():
        raise ReadError(name, _NO_TEXT)
    return SourceText(source=name, text=text, format=fmt, ocr=ocr)


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
                SkippedFile(
                    path.name, f"lỗi không mong đợi (unexpected error: {describe_error(exc)})"
                )
            )
    return texts, skipped


def _text_only(reader: Callable[[bytes, str], str]) -> Callable[[bytes, str], tuple[str, bool]]:
    return lambda data, name: (reader(data, name), False)


def _read_doc(data: bytes, name: str) -> str:
    return read_doc(data, name, as_docx=read_docx, as_html=read_html)


_READERS: dict[str, Callable[[bytes, str], tuple[str, bool]]] = {
    "txt": _text_only(read_plain),
    "md": _text_only(read_plain),
    "docx": _text_only(read_docx),
    "doc": _text_only(_read_doc),
    "pdf": read_pdf,
    "html": _text_only(read_html),
}


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
