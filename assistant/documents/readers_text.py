"""Plain text (.txt, .md), and what every format reader shares: the reason given for
binary content and a one-line description of a library's error."""

from __future__ import annotations

import codecs
import re

from assistant.errors import ReadError

BINARY_CONTENT = "không phải văn bản: có byte nhị phân (binary content)"


def read_plain(data: bytes, name: str) -> str:
    """UTF-8 text as written, BOM dropped and newlines unified; UTF-16 and binary refused."""
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        raise ReadError(
            name, "tệp mã hoá UTF-16, hãy lưu lại dạng UTF-8 (UTF-16 text; save as UTF-8)"
        )
    if b"\x00" in data:
        raise ReadError(name, BINARY_CONTENT)
    bom = len(codecs.BOM_UTF8) if data.startswith(codecs.BOM_UTF8) else 0
    try:
        text = data[bom:].decode("utf-8")
    except UnicodeDecodeError as exc:
        at = exc.start + bom
        raise ReadError(name, f"không giải mã được UTF-8 (not valid UTF-8 at byte {at})") from exc
    return text.replace("\r\n", "\n").replace("\r", "\n")


def describe_error(exc: BaseException) -> str:
    """A short, single-line description of a library error."""
    message = " ".join(str(exc).split())
    message = re.sub(
        r" ?'?<_io\.BytesIO object at 0x[0-9a-f]+>'?", "", message
    )  # we read from memory
    detail = f"{type(exc).__name__}: {message}" if message else type(exc).__name__
    return detail if len(detail) <= 120 else detail[:117] + "..."
