"""The "Văn bản" tab: metadata of every document, how they relate, and each outline."""

from __future__ import annotations

import streamlit as st

from assistant.answering.engine import Engine
from assistant.documents.corpus import versions, versions_message
from assistant.documents.readers import outside_corpus
from assistant.types import Chunk, Document
from assistant.ui.format import escape_markdown, relations, relations_dot, vn_date


def render(engine: Engine) -> None:
    documents = engine.index.documents
    st.subheader(f"{len(documents)} văn bản trong kho")
    st.table(
        [
            {
                "Số hiệu": d.doc_number or "—",
                "Loại": d.doc_type,
                "Cơ quan ban hành": d.issuer or "—",
                "Ngày": vn_date(d.date),
                "Người ký": (d.signer.name if d.signer else None) or "—",
                "Trích yếu": d.title or "",
            }
            for d in documents
        ],
        hide_index=True,
    )
    # Links out of the corpus folder are found again on every load (the skipped list is
    # only the last build's), so the refusal stays visible while the link is there.
    shown = {s.source for s in engine.skipped}
    settings = engine.settings
    refused = [
        s
        for s in outside_corpus(settings.corpus_dir, settings.allowed_dirs)
        if s.source not in shown
    ]
    for skipped in (*engine.skipped, *refused):
        st.warning(f"Bỏ qua tệp {skipped.source}: {skipped.reason}")
    for doc_number, texts in versions(documents).items():
        st.warning(versions_message(doc_number, texts))

    st.subheader("Quan hệ giữa các văn bản")
    found = relations(documents)
    in_corpus = {d.doc_number for d in documents if d.doc_number}
    if found:
        st.table(
            [
                {
                    "Văn bản": r.document,
                    "Thực hiện văn bản": r.implemented,
                    "Có trong kho": "có"
                    if r.document in in_corpus
                    else "không (chỉ được nhắc đến)",
                }
                for r in found
            ],
            hide_index=True,
        )
        st.graphviz_chart(relations_dot(found, in_corpus))
        st.caption(
            "Mũi tên đi từ văn bản được thực hiện đến văn bản thực hiện nó; khung nét đứt: văn bản không có trong kho."
        )
    else:
        st.info("Các văn bản trong kho không nêu quan hệ thực hiện nào.")

    st.subheader("Dàn ý từng văn bản")
    chunks_by_document: dict[str, list[Chunk]] = {}
    for chunk in engine.index.chunks:
        chunks_by_document.setdefault(chunk.doc_id, []).append(chunk)
    for document in documents:
        with st.expander(document.citation_name):
            outline(
                document, sorted(chunks_by_document.get(document.doc_id, []), key=lambda c: c.start)
            )


def outline(document: Document, chunks: list[Chunk]) -> None:
    """Headings indented by depth, each citable clause with its label and full text."""
    if document.signer and document.signer.name:
        st.caption(
            f"Người ký: {document.signer.display_title or ''} {document.signer.name}".strip()
        )
    shown: tuple[str, ...] = ()
    for chunk in chunks:
        for depth, heading in enumerate(chunk.breadcrumb):
            if shown[: depth + 1] != chunk.breadcrumb[: depth + 1]:
                level = "#" * min(depth + 4, 6)
                st.markdown(f"{level} {escape_markdown(heading)}")
        shown = chunk.breadcrumb
        text = chunk.clean_text
        if chunk.breadcrumb and text.startswith(chunk.breadcrumb[-1]):
            text = text[len(chunk.breadcrumb[-1]) :].lstrip()  # the heading is shown above
        st.markdown(f"**{escape_markdown(chunk.clause_label)}**  \n{escape_markdown(text)}")
