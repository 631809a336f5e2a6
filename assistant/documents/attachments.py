"""Documents attached to a document: "QUY ĐỊNH … (Ban hành kèm theo Quyết định số …)".

A Quyết định, Nghị định or Thông tư often issues a Quy chế, Quy định, Điều lệ, Kế hoạch
or Danh mục that follows its signature with its own title, its own Chương and Điều, and
a line saying what it is attached to. Its units are cited through it: "khoản 2 Điều 5
Quy định ban hành kèm theo Quyết định số 2979/QĐ-UBND …" — never as the decision's own
Điều 5, and never dropped with the signature block.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from assistant.documents.blocks import paragraphs
from assistant.documents.layout import (
    Line,
    is_upper_line,
    type_name_of,
)
from assistant.documents.regions import ends_body
from assistant.documents.structure import parse_clauses
from assistant.documents.textnorm import strip_markup
from assistant.types import Clause

# The types a document can issue as an attachment (NĐ 30/2020, Phụ lục III; Luật ban hành
# VBQPPL: Quy chế, Quy định, Điều lệ issued by a Quyết định or Nghị định).
ATTACHABLE = (
    "Quy chế",
    "Quy định",
    "Điều lệ",
    "Kế hoạch",
    "Chương trình",
    "Phương án",
    "Đề án",
    "Hướng dẫn",
    "Danh mục",
    "Phụ lục",
    "Quy trình",
    "Bộ tiêu chí",
)
_ATTACHABLE_RE = re.compile(
    r"^(?P<type>" + "|".join(t.upper() for t in ATTACHABLE) + r")\b(?:\s+(?P<rest>.*))?$"
)
_NUMBER_AFTER_TYPE_RE = re.compile(
    r"^[^\W\d]+(?:\s+[^\W\d]+)?\s+(?:SỐ\s+|số\s+)?([IVXLC]+|\d{1,3}[a-z]?)\b"
)
KEM_THEO_RE = re.compile(r"^\(?\s*(?:Ban hành\s+)?kèm theo\b", re.IGNORECASE)
_LOOKAHEAD = 10  # lines between an attachment's type line and its "kèm theo" line


@dataclass(frozen=True)
class Attachment:
    doc_type: str  # "Quy định"
    title: str | None
    start: int  # index into the tail lines: the type line
    body_start: int  # first line after the "kèm theo" line
    end: int  # exclusive


def _type_of(clean: str) -> str | None:
    name = type_name_of(clean)
    if name in ATTACHABLE:
        return name
    m = _ATTACHABLE_RE.match(clean.strip())
    if m and is_upper_line(clean):
        return next(t for t in ATTACHABLE if t.upper() == m["type"])
    return None


def find_attachments(tail: tuple[Line, ...]) -> list[Attachment]:
    """Attachments in the lines after the main document's body."""
    starts: list[tuple[int, str, int, str | None]] = []
    i = 0
    while i < len(tail):
        doc_type = _type_of(tail[i].clean)
        if doc_type is None:
            i += 1
            continue
        window = tail[i + 1 : i + 1 + _LOOKAHEAD]
        kem = next((k for k, ln in enumerate(window) if KEM_THEO_RE.match(ln.clean)), None)
        if kem is None:
            i += 1
            continue
        title_lines = [ln.clean for ln in window[:kem] if not ln.blank]
        body = i + 1 + kem + 1
        # The "kèm theo" line may wrap: "(Ban hành kèm theo Quyết định số … ngày" / "… )".
        while body < len(tail) and not tail[body - 1].clean.rstrip("*_ ").endswith(")"):
            if tail[body].blank or body - (i + 1 + kem) > 3:
                break
            body += 1
        title = " ".join(title_lines) or None
        starts.append((i, doc_type, body, title))
        i = body
    out = []
    for n, (start, doc_type, body, title) in enumerate(starts):
        limit = starts[n + 1][0] if n + 1 < len(starts) else len(tail)
        out.append(Attachment(doc_type, title, start, body, _body_end(tail, body, limit)))
    return out


def _body_end(tail: tuple[Line, ...], start: int, limit: int) -> int:
    return next((k for k in range(start, limit) if ends_body(tail[k].clean)), limit)


def attachment_clauses(tail: tuple[Line, ...], one_line_each: bool = False) -> tuple[Clause, ...]:
    """One clause per attachment, holding its own clause tree."""
    out = []
    found = find_attachments(tail)
    for n, att in enumerate(found, start=1):
        lines = tail[att.body_start : att.end]
        paras = paragraphs(lines, one_line_each=one_line_each)
        if not paras:
            continue
        # "PHỤ LỤC II" names itself; several of one type without numbers are told apart
        # by their order.
        own = _NUMBER_AFTER_TYPE_RE.match(strip_markup(tail[att.start].clean).strip())
        same_type = sum(1 for a in found if a.doc_type == att.doc_type)
        if own:
            name = f"{att.doc_type} {own[1]} ban hành kèm theo"
        elif same_type > 1:
            rank = sum(1 for a in found[:n] if a.doc_type == att.doc_type)
            name = f"{att.doc_type} thứ {rank} ban hành kèm theo"
        else:
            name = f"{att.doc_type} ban hành kèm theo"
        children = parse_clauses(paras, outer_label=name, path_prefix=(f"kèm{n}",))
        if not children:
            continue
        title = strip_markup(att.title) if att.title else None
        out.append(
            Clause(
                kind="attachment",
                number=str(n),
                heading=f"{att.doc_type} {title}" if title else att.doc_type,
                path=(f"kèm{n}",),
                label=name,
                start=tail[att.start].start,
                end=children[-1].end,
                children=children,
            )
        )
    return tuple(out)
