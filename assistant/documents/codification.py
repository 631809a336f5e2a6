"""Compilations: a page of the Bộ pháp điển (or a consolidation) whose articles each name
the document and article they come from: "(Điều 1 Nghị định số 93/2019/NĐ-CP …)".
Each article is cited by its source; the parenthesised notes are provenance, not text."""

from __future__ import annotations

import dataclasses
import datetime as dt
import re

from assistant.documents.grammar import RANKS
from assistant.documents.nodes import Node, walk
from assistant.documents.textnorm import strip_markup
from assistant.types import Clause, Document, DocumentRef

# "(Điều 1 Nghị định số 93/2019/NĐ-CP … ngày 25/11/2019 của Chính phủ, có hiệu lực …)":
# the note under each article of a codification (pháp điển) naming where it comes from.
SOURCE_NOTE_RE = re.compile(
    r"^\(\s*Điều\s+(?P<art>\d+[a-zđ]?)\s+(?P<type>Luật|Bộ luật|Pháp lệnh|Nghị định|Nghị quyết"
    r"|Thông tư liên tịch|Thông tư|Quyết định)\s+(?:số\s+)?(?P<num>[\w/.-]+)"
)
_NOTE_RE = re.compile(r"^\((?:Điều|Khoản|Điểm|Chương|Mục) này\b|^\(Điều\s+\d")
_NOTE_DATE_RE = re.compile(r"ngày\s+(\d{1,2})/(\d{1,2})/(\d{4})")
_NOTE_ISSUER_RE = re.compile(
    r"của\s+(Chính phủ|Quốc hội|Thủ tướng Chính phủ|Bộ trưởng [^,)]+|Bộ [^,)]+)"
)


def _source_of(note: str) -> tuple[str, DocumentRef] | None:
    m = SOURCE_NOTE_RE.match(note)
    if not m:
        return None
    number = m["num"].rstrip(".,;")
    date_m = _NOTE_DATE_RE.search(note)
    date = None
    if date_m:
        try:
            date = dt.date(int(date_m[3]), int(date_m[2]), int(date_m[1]))
        except ValueError:
            date = None
    issuer_m = _NOTE_ISSUER_RE.search(note)
    issuer = issuer_m[1].strip() if issuer_m else None
    return m["art"], DocumentRef(number=number, doc_type=m["type"], date=date, issuer=issuer)


def mark_sources(root: Node) -> None:
    """Articles of a compilation cite their own source document and article number; the
    parenthesised notes are provenance, not text to quote."""
    known: dict[str, DocumentRef] = {}
    for node in walk(root):
        if node.kind != "dieu":
            continue
        for child in walk(node)[1:]:
            if child.kind != "paragraph" or child.para is None:
                continue
            text = strip_markup(child.para.clean)
            if not _NOTE_RE.match(text):
                continue
            child.kind = "note"
            found = _source_of(text)
            if found and node.cited_in is None:
                art, ref = found
                # The first note of a document gives its date and issuer; later ones omit them.
                ref = known.setdefault(ref.number, ref)
                node.cited_in, node.cited_number = ref, art


# "Điều 36.4.NĐ.1.": the Bộ pháp điển numbers an article by đề mục, source type and article.
_CODIFIED_NUMBER_RE = re.compile(r"^\d+\.\d+\.[A-ZĐ]+\.\d")
_PAGE_TITLE_RE = re.compile(r"^(?:#\s+|title:\s*)(?P<title>\S.+)$", re.MULTILINE)


def is_codification(outline: tuple[Clause, ...]) -> bool:
    articles = [c for top in outline for c in top.walk() if c.kind == "dieu"]
    return bool(articles) and all(
        c.cited_in is not None or _CODIFIED_NUMBER_RE.match(c.number or "") for c in articles
    )


def as_codification(
    document: Document, outline: tuple[Clause, ...]
) -> tuple[Document, tuple[Clause, ...]]:
    """A page of the Bộ pháp điển: its articles cite their own sources; what stands before
    its first unit is the site's page (title, an empty information table), not text."""
    first = next((i for i, c in enumerate(outline) if c.kind in RANKS), len(outline))
    page = document.text[document.body_start : outline[first].start if first < len(outline) else 0]
    titles = [m["title"].strip(" #*") for m in _PAGE_TITLE_RE.finditer(page)]
    title = document.title or (titles[-1] if titles else None)
    return (
        dataclasses.replace(document, doc_type="Đề mục pháp điển", title=title),
        outline[first:],
    )
