"""Streamlit entry point. Thin: it calls the package and renders (chat comes with the answers issue)."""

from __future__ import annotations

import streamlit as st

from assistant.corpus import Corpus, load_corpus
from assistant.settings import Settings

st.set_page_config(page_title="Trợ lý văn bản chỉ đạo", page_icon="📜", layout="wide")


@st.cache_resource(show_spinner="Đang đọc kho văn bản…")
def get_corpus() -> Corpus:
    settings = Settings()
    return load_corpus(settings.corpus_dir, max_bytes=settings.max_file_bytes)


st.title("Trợ lý văn bản chỉ đạo")
st.caption(
    "Hỏi đáp có trích dẫn đúng khoản, đúng cơ quan ban hành. Phần hỏi đáp đang được xây dựng."
)

corpus = get_corpus()
for skipped in corpus.skipped:
    st.warning(f"Bỏ qua tệp {skipped.source}: {skipped.reason}")

st.subheader(f"{len(corpus.documents)} văn bản trong kho")
st.dataframe(
    [
        {
            "Số hiệu": p.document.doc_number or "—",
            "Loại": p.document.doc_type,
            "Cơ quan ban hành": p.document.issuer or "—",
            "Ngày": p.document.date.strftime("%d/%m/%Y") if p.document.date else "—",
            "Người ký": (p.document.signer.name if p.document.signer else None) or "—",
            "Trích yếu": p.document.title or "",
        }
        for p in corpus.documents
    ],
    hide_index=True,
    use_container_width=True,
)

for parsed in corpus.documents:
    with st.expander(parsed.document.citation_name):
        for chunk in parsed.chunks:
            st.markdown(f"**{chunk.clause_label}** — {chunk.heading}")
            st.text(chunk.clean_text)
