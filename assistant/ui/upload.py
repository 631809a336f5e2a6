"""Adding and removing corpus files from the app, with the checks the corpus folder applies.

A file is read and parsed in a temporary folder first: only a file the build would keep
(a supported format under the size limit, with text, something citable, not a copy of a
document already there) is written into the corpus folder. No Streamlit here.
"""

from __future__ import annotations

import hashlib
import tempfile
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from assistant.documents.corpus import parse_source
from assistant.documents.readers import SUPPORTED_SUFFIXES, read_source
from assistant.errors import ReadError
from assistant.types import Document
from assistant.ui.format import vietnamese


@dataclass(frozen=True)
class Added:
    """What became of one uploaded file."""

    name: str
    added: bool
    message: str  # "đã đọc: 12 đoạn trích dẫn được" or why it was not added


def safe_name(name: str) -> str | None:
    """The file name alone (no folder part); None for hidden or lock files."""
    base = Path(name.replace("\\", "/")).name.strip()
    return None if not base or base.startswith((".", "~$")) else base


def add_file(
    folder: Path,
    name: str,
    data: bytes,
    existing: Iterable[Document],
    *,
    max_bytes: int,
) -> Added:
    """Check ``data`` as the build would and, when it passes, write it as ``folder/name``."""
    base = safe_name(name)
    if base is None:
        return Added(name, False, "tên tệp không hợp lệ")
    if Path(base).suffix.lower() not in SUPPORTED_SUFFIXES:
        kinds = ", ".join(sorted(SUPPORTED_SUFFIXES))
        return Added(base, False, f"định dạng không hỗ trợ; kho đọc được {kinds}")
    target = folder / base
    # is_symlink too: a dangling link of that name would write outside the corpus folder.
    if target.exists() or target.is_symlink():
        return Added(base, False, "kho đã có tệp cùng tên; hãy xóa tệp cũ hoặc đổi tên")
    with tempfile.TemporaryDirectory() as staging:
        path = Path(staging) / base
        path.write_bytes(data)
        try:
            source = read_source(path, max_bytes=max_bytes)
            parsed = parse_source(source)
        except ReadError as exc:
            return Added(base, False, vietnamese(exc.reason))
        except Exception:  # a parser bug on an odd file is a refusal, never a crash
            return Added(base, False, "không phân tích được cấu trúc văn bản")
    digest = hashlib.sha256(source.text.encode("utf-8")).hexdigest()
    for document in existing:
        if hashlib.sha256(document.text.encode("utf-8")).hexdigest() == digest:
            return Added(base, False, f"trùng nội dung với tệp {document.source} đã có")
    d = parsed.document
    if not parsed.chunks and not (d.doc_number or (d.issuer and d.date)):
        return Added(base, False, "không có nội dung để trích dẫn")
    folder.mkdir(parents=True, exist_ok=True)
    with open(target, "xb") as fh:  # never through a link created meanwhile
        fh.write(data)
    return Added(base, True, f"đã đọc: {len(parsed.chunks)} đoạn trích dẫn được")


def remove_file(folder: Path, source: str) -> bool:
    """Delete ``folder/source`` (a link is removed, never what it points to)."""
    base = safe_name(source)
    if base is None:
        return False
    path = folder / base
    if not (path.is_file() or path.is_symlink()):
        return False
    path.unlink()
    return True
