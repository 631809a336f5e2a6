"""The "Ai làm gì" tab: which body each document assigns which clauses."""

from __future__ import annotations

from dataclasses import dataclass

import streamlit as st

from assistant.answering.engine import Engine
from assistant.documents.textnorm import folded_key
from assistant.types import Chunk, Document
from assistant.ui.format import escape_markdown, matches_body


@dataclass(frozen=True)
class BodyRow:
    """One body and, per document, the clauses that assign it work."""

    body: str  # the name as first written
    key: str
    clauses: dict[str, list[Chunk]]  # doc_id → chunks, in document order


def body_rows(engine: Engine) -> list[BodyRow]:
    chunks = {c.id: c for c in engine.index.chunks}
    rows = []
    for key, items in engine.composer.responsibilities.by_key.items():
        clauses: dict[str, list[Chunk]] = {}
        for a in items:
            chunk = chunks.get(a.chunk_id)
            if chunk and chunk not in clauses.get(chunk.doc_id, []):
                clauses.setdefault(chunk.doc_id, []).append(chunk)
        if clauses:
            for found in clauses.values():
                found.sort(key=lambda c: c.start)
            rows.append(BodyRow(items[0].body, key, clauses))
    return sorted(rows, key=lambda r: folded_key(r.body))


def _column(document: Document) -> str:
    return document.doc_number or document.short_name


def render(engine: Engine) -> None:
    st.subheader("Ai làm gì: cơ quan × văn bản")
    documents = [d for d in engine.index.documents if d.doc_type != "Tin bài"]
    query = st.text_input(
        "Tìm cơ quan (gõ có dấu hoặc không dấu)", placeholder="Ví dụ: so y te", key="body_search"
    )
    rows = [r for r in body_rows(engine) if matches_body(r.body, query)]
    if not rows:
        st.info("Không có cơ quan nào khớp với từ khóa này.")
        return
    st.dataframe(
        [
            {"Cơ quan": r.body}
            | {
                _column(d): "; ".join(c.clause_label for c in r.clauses.get(d.doc_id, []))
                for d in documents
            }
            for r in rows
        ],
        hide_index=True,
        width="stretch",
    )
    names = [r.body for r in rows]
    chosen = st.selectbox("Xem nhiệm vụ của", names, key="body_selected")
    row = rows[names.index(chosen)] if chosen in names else rows[0]
    by_id = {d.doc_id: d for d in engine.index.documents}
    for doc_id, chunks in row.clauses.items():
        document = by_id[doc_id]
        st.markdown(f"##### {escape_markdown(document.citation_name)}")
        for chunk in chunks:
            with st.container(border=True):
                st.markdown(f"**{escape_markdown(chunk.clause_label)}**")
                st.markdown(f"> {escape_markdown(' '.join(chunk.clean_text.split()))}")
