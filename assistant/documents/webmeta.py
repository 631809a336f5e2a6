"""The metadata block a legal web library puts around a document it publishes.

Web pages show "Số hiệu", "Loại văn bản", "Nơi ban hành", "Người ký", "Ngày ban hành"
as a table: on one line ("Số hiệu: | 164/KH-UBND |"), as a markdown row
("| **Số hiệu** | 164/KH-UBND |"), or broken into a label line and a value a few
lines further down ("**Số hiệu:**", "|", "5348/CT-CS"). The site's own words for an
unknown value ("Đang cập nhật", "Đã biết") are no value. These values are evidence
only where the document's own header lacks the field: the header is the document.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from dataclasses import dataclass

from assistant.documents.layout import Line
from assistant.documents.textnorm import strip_markup

# label on the page → field of WebMeta
WEB_FIELDS: dict[str, str] = {
    "số hiệu": "number",
    "loại văn bản": "doc_type",
    "nơi ban hành": "issuer",
    "cơ quan ban hành": "issuer",
    "người ký": "signer",
    "ngày ban hành": "date_text",
    "ngày hiệu lực": "effective_text",
    "tình trạng": "status",
}
# A label cell: "Số hiệu:", "**Số hiệu**", "Số hiệu: 164/KH-UBND" (a colon before a value).
_LABEL_RE = re.compile(
    r"^(?P<label>" + "|".join(re.escape(k.capitalize()) for k in WEB_FIELDS) + r")"
    r"\s*(?::\s*(?P<value>.*)|:?\s*$)"
)
# What a site writes where it does not know a value.
NO_VALUE_RE = re.compile(
    r"^(?:đang cập nhật|đã biết|chưa biết|không xác định|không có|chưa có|\.+|-+|…)$",
    re.IGNORECASE,
)
_DMY_RE = re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{4})")


@dataclass(frozen=True)
class WebMeta:
    number: str | None = None
    doc_type: str | None = None
    issuer: str | None = None  # the site's "Nơi ban hành": a body or only a place
    signer: str | None = None
    date_text: str | None = None  # "20/11/2025", as the site writes it
    effective_text: str | None = None
    status: str | None = None

    @property
    def date(self) -> dt.date | None:
        return _dmy(self.date_text)

    @property
    def effective_date(self) -> dt.date | None:
        return _dmy(self.effective_text)

    def __bool__(self) -> bool:
        return any(getattr(self, f) for f in set(WEB_FIELDS.values()))


def _dmy(text: str | None) -> dt.date | None:
    m = _DMY_RE.match(text or "")
    if not m:
        return None
    try:
        return dt.date(int(m[3]), int(m[2]), int(m[1]))
    except ValueError:
        return None


def _cells(lines: Iterable[Line]) -> list[str]:
    """Every non-empty table cell, in reading order."""
    out = []
    for line in lines:
        for cell in line.raw.split("|"):
            text = strip_markup(cell)
            if text:
                out.append(text)
    return out


def web_metadata(lines: Iterable[Line]) -> WebMeta:
    """The first value of each field in ``lines`` (a label's value is the next cell).

    A label counts only inside a block of labels (another label within a few cells): a
    lone "Loại văn bản" in an article heading or a form is not the site's table.
    """
    cells = _cells(lines)
    labels = [i for i, cell in enumerate(cells) if _LABEL_RE.match(cell)]
    found: dict[str, str] = {}
    for n, i in enumerate(labels):
        near = [j for j in labels[max(0, n - 1) : n + 2] if j != i and abs(j - i) <= 6]
        if not near:
            continue
        m = _LABEL_RE.match(cells[i])
        assert m is not None
        field = WEB_FIELDS[m["label"].lower()]
        value = (m["value"] or "").strip()
        if not value and i + 1 < len(cells) and not _LABEL_RE.match(cells[i + 1]):
            value = cells[i + 1]
        value = " ".join(value.split())
        if value and not NO_VALUE_RE.match(value) and len(value) <= 120:
            found.setdefault(field, value)
    return WebMeta(**found)
