"""Source text → ``ParsedDocument``: metadata, clause tree and citable chunks."""

from __future__ import annotations

import dataclasses
import hashlib
import re
from pathlib import Path

from assistant.documents.attachments import attachment_clauses
from assistant.documents.blocks import paragraphs
from assistant.documents.chunking import make_chunks, slug
from assistant.documents.docmeta import read_metadata
from assistant.documents.noise import noise_spans
from assistant.documents.regions import analyse
from assistant.documents.structure import RANKS, parse_clauses
from assistant.documents.textnorm import nfc
from assistant.types import Clause, Document, ParsedDocument


def parse_text(source: str, text: str, fmt: str = "txt") -> ParsedDocument:
    """Parse one document. ``text`` must be the exact text that spans will index (NFC)."""
    text = nfc(text)
    noise = noise_spans(text, fmt)  # page headers, split syllables: out of the searchable text
    layout = analyse(text, noise)
    m = read_metadata(layout, text)
    number = m.number

    body_start = layout.body[0].start if layout.body else 0
    body_end = layout.body[-1].end if layout.body else 0
    document = Document(
        doc_id=slug(number) if number else _doc_key(source, text),
        source=source,
        text=text,
        doc_number=number,
        doc_type=m.doc_type,
        issuer=m.issuer,
        date=m.date,
        place=m.place,
        title=m.title,
        signer=m.signer,
        implements=m.implements,
        references=m.references,
        copy_stamp=m.copy_stamp,
        format=fmt,
        body_start=body_start,
        body_end=body_end,
        effective_date=m.effective_date,
        recipients=m.recipients,
    )
    one_line_each = fmt == "docx"  # Word paragraphs are the author's own
    outline = parse_clauses(paragraphs(layout.body, one_line_each=one_line_each))
    outline += attachment_clauses(layout.tail, one_line_each=one_line_each)
    if number is None and _is_codification(outline):
        document, outline = _as_codification(document, outline)
    return ParsedDocument(document, outline, make_chunks(document, outline, noise))


# "Điều 36.4.NĐ.1.": the Bộ pháp điển numbers an article by đề mục, source type and article.
_CODIFIED_NUMBER_RE = re.compile(r"^\d+\.\d+\.[A-ZĐ]+\.\d")
_PAGE_TITLE_RE = re.compile(r"^(?:#\s+|title:\s*)(?P<title>\S.+)$", re.MULTILINE)


def _is_codification(outline: tuple[Clause, ...]) -> bool:
    articles = [c for top in outline for c in top.walk() if c.kind == "dieu"]
    return bool(articles) and all(
        c.cited_in is not None or _CODIFIED_NUMBER_RE.match(c.number or "") for c in articles
    )


def _as_codification(
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


def _doc_key(source: str, text: str) -> str:
    digest = hashlib.sha1(text.encode("utf-8")).hexdigest()[:8]
    return f"{slug(Path(source).stem)[:40]}-{digest}"
