"""Source text → ``ParsedDocument``: metadata, clause tree and citable chunks."""

from __future__ import annotations

import hashlib
from pathlib import Path

from assistant.documents.attachments import attachment_clauses
from assistant.documents.blocks import paragraphs
from assistant.documents.chunking import make_chunks, slug
from assistant.documents.codification import as_codification, is_codification
from assistant.documents.docmeta import read_metadata
from assistant.documents.noise import noise_spans
from assistant.documents.regions import analyse
from assistant.documents.structure import parse_clauses
from assistant.documents.textnorm import nfc
from assistant.types import Document, ParsedDocument


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
        copies_to=m.copies_to,
    )
    one_line_each = fmt == "docx"  # Word paragraphs are the author's own
    outline = parse_clauses(paragraphs(layout.body, one_line_each=one_line_each))
    outline += attachment_clauses(layout.tail, one_line_each=one_line_each)
    if number is None and is_codification(outline):
        document, outline = as_codification(document, outline)
    return ParsedDocument(document, outline, make_chunks(document, outline, noise))


def _doc_key(source: str, text: str) -> str:
    digest = hashlib.sha1(text.encode("utf-8")).hexdigest()[:8]
    return f"{slug(Path(source).stem)[:40]}-{digest}"
