"""Turn a user's file (.txt .md .docx .doc .pdf .html) into source text, or say clearly why not.

``SourceText.text`` is the string every later character span indexes, so readers
never tidy plain text: a .txt/.md file comes back exactly as written, apart from
a dropped UTF-8 BOM, newlines unified to "\\n" and NFC normalisation. A scanned PDF is read by OCR and an old ``.doc`` by antiword
(``readers_tools``); ``SourceText.ocr`` says the text was read from page images. Office
files typed in the old TCVN3 font encoding come back in Unicode (``readers_legacy``).
"""

from __future__ import annotations

import hashlib
import logging
import unicodedata
from collections.abc import Callable, Sequence
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
    folder: Path, *, max_bytes: int = MAX_FILE_BYTES, allowed_dirs: Sequence[Path] = ()
) -> tuple[list[SourceText], list[SkippedFile]]:
    """Read every file directly in ``folder``, sorted by name; a bad file is logged, reported, skipped.

    A file whose real path (links resolved) lies outside ``folder`` and ``allowed_dirs`` is
    refused unread, and a file with the same text as one read before it is read once: the
    skipped entry names the file it repeats.
    """
    folder = Path(folder)
    try:
        entries = sorted(folder.iterdir(), key=lambda p: p.name)
    except OSError as exc:
        raise ReadError(
            str(folder), f"không mở được thư mục (cannot open folder: {exc.strerror})"
        ) from exc
    roots = _roots(folder, allowed_dirs)
    texts: list[SourceText] = []
    skipped: list[SkippedFile] = []
    first_with_text: dict[str, str] = {}  # sha256 of the text → the file read with it
    for path in entries:
        # Hidden files and Word's "~$name.docx" lock files are not documents anyone dropped in.
        if path.name.startswith((".", "~$")):
            logger.debug("Bỏ qua tệp ẩn %s", path.name)
            continue
        try:
            check_inside(path, roots)
            if path.is_dir():
                raise ReadError(path.name, "là thư mục con, không được đọc (subfolder; not read)")
            source = read_source(path, max_bytes=max_bytes)
            digest = hashlib.sha256(source.text.encode("utf-8")).hexdigest()
            if digest in first_with_text:
                raise ReadError(path.name, duplicate_reason(first_with_text[digest]))
            first_with_text[digest] = path.name
            texts.append(source)
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


OUTSIDE_CORPUS = (
    "là liên kết hoặc đường dẫn ra ngoài thư mục văn bản nên không được đọc; nếu cần, hãy chép "
    "tệp vào thư mục này hoặc thêm thư mục của nó vào cài đặt allowed_dirs "
    "(link or path outside the corpus folder; refused)"
)


def duplicate_reason(first: str) -> str:
    """Why a copy is skipped: it names the file whose text it repeats."""
    return f"trùng nội dung với tệp {first}, chỉ đọc một lần (duplicate of {first})"


def _roots(folder: Path, allowed_dirs: Sequence[Path]) -> tuple[Path, ...]:
    return tuple(Path(d).resolve() for d in (folder, *allowed_dirs))


def check_inside(path: Path, roots: Sequence[Path]) -> None:
    """Raise ``ReadError`` unless ``path``, every link followed, lies inside one of ``roots``."""
    try:
        real = path.resolve()
    except (OSError, RuntimeError) as exc:  # a loop of links
        raise ReadError(
            path.name, "là vòng liên kết trỏ về chính nó, không đọc được (symlink loop)"
        ) from exc
    if not any(real.is_relative_to(root) for root in roots):
        logger.warning("Từ chối %s: trỏ tới %s, ngoài thư mục văn bản", path.name, real)
        raise ReadError(path.name, OUTSIDE_CORPUS)


def outside_corpus(folder: Path, allowed_dirs: Sequence[Path] = ()) -> list[SkippedFile]:
    """The files of ``folder`` that lead outside it, found without reading any file (for the app)."""
    roots = _roots(folder, allowed_dirs)
    refused: list[SkippedFile] = []
    try:
        entries = sorted(Path(folder).iterdir(), key=lambda p: p.name)
    except OSError:
        return refused
    for path in entries:
        if path.name.startswith((".", "~$")):
            continue
        try:
            check_inside(path, roots)
        except ReadError as exc:
            refused.append(SkippedFile(exc.source, exc.reason))
    return refused


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
