"""Citable chunks from a clause tree: one per smallest citable clause.

A numbered clause whose body is a single block ("6. Sở Y tế" + its paragraph) is one
chunk with its heading. A clause with several blocks (dashes, paragraphs) gives one
chunk per block, each carrying the clause heading in its breadcrumb and the span of the
whole clause, so the UI can show the full clause with the quoted block highlighted.
"""

from __future__ import annotations

import dataclasses
import hashlib
import re
from collections.abc import Sequence

from assistant.documents.blocks import paragraphs
from assistant.documents.grammar import cite
from assistant.documents.layout import split_lines
from assistant.documents.noise import within
from assistant.documents.structure import INFERRED_NOTE, RANKS
from assistant.types import Chunk, Clause, Document

CHUNKER_VERSION = "1"


def clean_span(text: str, noise: Sequence[tuple[int, int]] = ()) -> str:
    """Readable text of a span: markup removed, paragraphs on their own lines."""
    return "\n".join(p.clean for p in paragraphs(split_lines(text, noise)))


def _display_heading(clause: Clause, text: str) -> str:
    if clause.inferred:
        return f"Mục {clause.number} ({INFERRED_NOTE})"
    if clause.heading:
        if clause.kind in ("phan", "chuong", "dieu", "tieu_muc_luat") or (
            clause.kind == "muc" and (clause.number or "").isdigit()
        ):
            return f"{cite(clause.kind, clause.number or '?')}. {clause.heading}"
        return f"{clause.number}. {clause.heading}"
    first = clean_span(text[clause.start : clause.end]).split("\n", 1)[0]
    return first if len(first) <= 80 else first[:79].rstrip() + "…"


def cited_name(clause: Clause, document: Document) -> str:
    """The document a clause is cited by: its own source for an article of a
    codification ("Nghị định số 93/2019/NĐ-CP ngày 25/11/2019 của Chính phủ"), else the file's."""
    return clause.cited_in.citation_name if clause.cited_in else document.citation_name


def chunk_id(doc_id: str, path: tuple[str, ...], clean_text: str) -> str:
    digest = hashlib.sha1(("/".join(path) + "\n" + clean_text).encode("utf-8")).hexdigest()[:12]
    return f"{doc_id}:{digest}"


def with_unique_ids(chunks: Sequence[Chunk]) -> tuple[Chunk, ...]:
    """The chunks with one id each: a web page that repeats a unit (the same label and the
    same words twice) gives its later copies "~2", "~3" after the content-derived id, which
    stays stable while the document does not change."""
    seen: dict[str, int] = {}
    out = []
    for c in chunks:
        n = seen[c.id] = seen.get(c.id, 0) + 1
        out.append(c if n == 1 else dataclasses.replace(c, id=f"{c.id}~{n}"))
    return tuple(out)


def make_chunks(
    document: Document, outline: tuple[Clause, ...], noise: Sequence[tuple[int, int]] = ()
) -> tuple[Chunk, ...]:
    text = document.text
    out: list[Chunk] = []

    def emit(
        clause: Clause, breadcrumb: tuple[str, ...], enclosing: Clause | None, inferred: bool
    ) -> None:
        if clause.kind == "note":
            return  # provenance ("(Điều 1 Nghị định số …)"), carried by the label instead
        span_text = text[clause.start : clause.end]
        clean = clean_span(span_text, within(list(noise), clause.start, clause.end))
        if not clean:
            return
        whole = enclosing or clause
        out.append(
            Chunk(
                id=chunk_id(document.doc_id, clause.path, clean),
                doc_id=document.doc_id,
                source=document.source,
                clause_path=clause.path,
                clause_label=clause.label,
                label=f"{clause.label} {cited_name(clause, document)}",
                breadcrumb=breadcrumb,
                text=span_text,
                clean_text=clean,
                start=clause.start,
                end=clause.end,
                clause_start=whole.start,
                clause_end=whole.end,
                inferred=inferred,
                metadata={
                    "doc_number": clause.cited_in.number
                    if clause.cited_in
                    else document.doc_number,
                    "doc_type": document.doc_type,
                    "issuer": document.issuer,
                    "date": document.date.isoformat() if document.date else None,
                    "kind": clause.kind,
                },
            )
        )

    def visit(clause: Clause, breadcrumb: tuple[str, ...], inferred: bool) -> None:
        inferred = inferred or clause.inferred
        if clause.kind == "attachment":
            for child in clause.children:
                visit(child, (*breadcrumb, clause.heading or clause.label), inferred)
            return
        if clause.kind not in RANKS:
            emit(clause, breadcrumb, None, inferred)
            return
        here = (*breadcrumb, _display_heading(clause, text))
        numbered = [c for c in clause.children if c.kind in RANKS]
        blocks = [c for c in clause.children if c.kind not in RANKS and c.kind != "note"]
        if not numbered and len(blocks) <= 1 and not clause.inferred:
            emit(clause, here, None, inferred)  # heading and body together
            return
        for child in clause.children:
            if child.kind in RANKS:
                visit(child, here, inferred)
            else:
                emit(child, here, clause, inferred)

    for clause in outline:
        visit(clause, (), False)
    return with_unique_ids(out)


def slug(text: str) -> str:
    """ "164/KH-UBND" → "164-KH-UBND": a readable, stable document key."""
    return re.sub(r"[^\w]+", "-", text, flags=re.UNICODE).strip("-")
