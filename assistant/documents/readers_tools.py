"""Files only a Debian command-line tool can read: scanned PDFs and old Word ``.doc``.

- A PDF page without a text layer is rendered with ``pdftoppm`` (package poppler-utils)
  and read by Tesseract OCR with its Vietnamese model (packages tesseract-ocr and
  tesseract-ocr-vie). The OCR text is the document's text: every span indexes it and
  every quote is checked against it, like any other text; the read result says it is OCR.
- A ``.doc`` (Word 97-2003) is read by ``antiword`` (package antiword). Offices often
  name other files ``.doc``: a Word 2007 package or a saved web page is read as what it
  is, and an RTF file is reported.

Where a tool is missing the file is refused with the Debian package to install, so the
corpus loader skips it with that message and the other files load (``make office-tools``
installs them all).
"""

from __future__ import annotations

import logging
import os
import re
import shutil
import subprocess
import tempfile
from collections.abc import Callable, Sequence
from functools import cache
from pathlib import Path

from assistant.errors import ReadError

logger = logging.getLogger("assistant.documents.readers")

OCR_DPI = 300  # Tesseract reads printed text best at 300 dpi
OCR_PAGE_SECONDS = 120  # one page; a stuck tool must not stop the corpus loading
MAX_OCR_PAGES = 200
DOC_SECONDS = 60

_OCR_PACKAGES = "tesseract-ocr và tesseract-ocr-vie"


def missing_tool(package: str, purpose: str) -> str:
    """The reason given when a Debian tool is absent: names the package to install."""
    return f"cần cài gói {package} để {purpose} (missing Debian package {package})"


@cache
def _tesseract_has_vietnamese(tesseract: str) -> bool:
    try:
        done = subprocess.run(
            [tesseract, "--list-langs"], capture_output=True, text=True, timeout=30, check=False
        )
    except (OSError, subprocess.SubprocessError):
        return False
    return "vie" in (done.stdout + done.stderr).split()


def ocr_available() -> bool:
    """True when pdftoppm and Tesseract with its Vietnamese model are installed."""
    tesseract = shutil.which("tesseract")
    return (
        shutil.which("pdftoppm") is not None
        and tesseract is not None
        and _tesseract_has_vietnamese(tesseract)
    )


def _ocr_tools(name: str) -> tuple[str, str]:
    purpose = "đọc PDF quét bằng OCR"
    tesseract = shutil.which("tesseract")
    if tesseract is None:
        raise ReadError(name, missing_tool(_OCR_PACKAGES, purpose))
    if not _tesseract_has_vietnamese(tesseract):
        raise ReadError(name, missing_tool("tesseract-ocr-vie", purpose))
    pdftoppm = shutil.which("pdftoppm")
    if pdftoppm is None:
        raise ReadError(name, missing_tool("poppler-utils", purpose))
    return pdftoppm, tesseract


def ocr_pdf_pages(data: bytes, name: str, pages: Sequence[int]) -> dict[int, str]:
    """OCR text of the given 1-based pages of a PDF, each page's text without its form feed."""
    pdftoppm, tesseract = _ocr_tools(name)
    if len(pages) > MAX_OCR_PAGES:
        raise ReadError(
            name,
            f"PDF quét quá dài: {len(pages)} trang > {MAX_OCR_PAGES} "
            f"(scanned PDF too long for OCR)",
        )
    out: dict[int, str] = {}
    with tempfile.TemporaryDirectory(prefix="ocr-") as tmp:
        pdf = Path(tmp) / "in.pdf"
        pdf.write_bytes(data)
        for page in pages:
            image = Path(tmp) / f"page-{page}"
            render = [pdftoppm, "-r", str(OCR_DPI), "-gray", "-png", "-singlefile"]
            pick = ["-f", str(page), "-l", str(page), str(pdf), str(image)]
            _run([*render, *pick], name, "pdftoppm", OCR_PAGE_SECONDS)
            text = _run(
                [tesseract, f"{image}.png", "stdout", "-l", "vie"],
                name,
                "tesseract",
                OCR_PAGE_SECONDS,
            )
            out[page] = _tidy_ocr(text)
            image.with_suffix(".png").unlink(missing_ok=True)
    return out


def _tidy_ocr(text: str) -> str:
    """Tesseract ends a page with a form feed and pads lines; the words are kept as read."""
    lines = [line.rstrip() for line in text.replace("\f", "\n").split("\n")]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip("\n")


# --- .doc ---------------------------------------------------------------------------

_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_ZIP_MAGIC = b"PK\x03\x04"


def read_doc(
    data: bytes,
    name: str,
    *,
    as_docx: Callable[[bytes, str], str],
    as_html: Callable[[bytes, str], str],
) -> str:
    """Text of a Word 97-2003 file through antiword; a renamed .docx or web page as itself."""
    if data.startswith(_ZIP_MAGIC):
        return as_docx(data, name)  # a Word 2007+ package saved with the old extension
    head = data[:1024].lstrip().lower()
    if head.startswith(b"{\\rtf"):
        raise ReadError(
            name, "tệp .doc thực chất là RTF, hãy lưu lại dạng .docx (RTF file; save as .docx)"
        )
    if head.startswith((b"<!doctype html", b"<html", b"<?xml", b"mime-version")):
        if head.startswith(b"mime-version"):
            raise ReadError(
                name,
                "tệp .doc thực chất là trang web MHT, hãy lưu lại dạng .docx (MHT file; save as .docx)",
            )
        return as_html(data, name)  # Word's "save as web page" kept the .doc name
    if not data.startswith(_OLE_MAGIC):
        raise ReadError(name, "tệp .doc bị hỏng (corrupted .doc: not a Word 97-2003 file)")
    return antiword_text(data, name)


def antiword_text(data: bytes, name: str) -> str:
    """Run antiword on an OLE file: paragraphs one a line, table cells joined by " | "."""
    antiword = shutil.which("antiword")
    if antiword is None:
        raise ReadError(name, missing_tool("antiword", "đọc tệp Word cũ (.doc)"))
    with tempfile.TemporaryDirectory(prefix="doc-") as tmp:
        path = Path(tmp) / "in.doc"
        path.write_bytes(data)
        text = _run(
            [antiword, "-m", "UTF-8.txt", "-w", "0", str(path)], name, "antiword", DOC_SECONDS
        )
    return _tidy_antiword(text)


def _tidy_antiword(text: str) -> str:
    """antiword draws a table row as "|cell|cell|" and pads lines; nothing else is changed."""
    lines = []
    for line in text.split("\n"):
        line = line.rstrip()
        if line.startswith("|") and line.endswith("|") and len(line) > 1:
            line = " | ".join(cell.strip() for cell in line[1:-1].split("|"))
        lines.append(line)
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip("\n")


def _run(args: list[str], name: str, tool: str, timeout: int) -> str:
    """The tool's standard output; its error message, without our temporary paths, on failure."""
    env = {**os.environ, "OMP_THREAD_LIMIT": "1", "LC_ALL": "C.UTF-8"}
    try:
        done = subprocess.run(
            args,
            capture_output=True,
            timeout=timeout,
            check=False,
            env=env,
            stdin=subprocess.DEVNULL,
        )
    except subprocess.TimeoutExpired as exc:
        raise ReadError(name, f"{tool} chạy quá {timeout} giây ({tool} timed out)") from exc
    except OSError as exc:
        raise ReadError(name, f"không chạy được {tool} ({tool} failed: {exc.strerror})") from exc
    if done.returncode != 0:
        message = done.stderr.decode("utf-8", "replace")
        detail = " ".join(re.sub(r"\S*/(?:ocr|doc)-[^/\s]+/", "", message).split())
        detail = detail[:117] + "..." if len(detail) > 120 else detail
        raise ReadError(name, _tool_failure(tool, detail))
    return done.stdout.decode("utf-8", "replace")


def _tool_failure(tool: str, detail: str) -> str:
    lowered = detail.lower()
    if tool == "antiword" and "encrypt" in lowered:
        return "tệp .doc có mật khẩu (password-protected .doc)"
    if tool == "antiword" and ("not a word document" in lowered or "not a word" in lowered):
        return f"tệp .doc bị hỏng hoặc không phải tệp Word (corrupted .doc: {detail})"
    if tool == "pdftoppm":
        return f"không dựng được ảnh trang PDF để OCR (pdftoppm failed: {detail})"
    return f"{tool} báo lỗi ({tool} failed: {detail})"
