"""The "Học" tab: each document's overview, the timeline, the glossary and a quiz.

Thin: everything shown comes from ``assistant.learn``; answers live in
``st.session_state`` under keys of their own, so reruns keep them.
"""

from __future__ import annotations

from pathlib import Path

import streamlit as st

from assistant.documents.corpus import load_corpus
from assistant.learn.glossary import glossary
from assistant.learn.library import Library
from assistant.learn.overview import SECTIONS, overview
from assistant.learn.quiz import QuizItem, letter, make_quiz, score
from assistant.learn.timeline import timeline
from assistant.settings import Settings
from assistant.types import Citation
from assistant.ui.format import (
    Relation,
    escape_markdown,
    highlighted_clause,
    relations_dot,
    vn_date,
)

SUBMITTED = "learn_quiz_submitted"


@st.cache_resource(show_spinner=False)
def get_library(corpus_dir: str, max_bytes: int, allowed_dirs: tuple[str, ...] = ()) -> Library:
    """Parsing alone, no embedding model: the learning views need only the text."""
    allowed = tuple(Path(d) for d in allowed_dirs)
    return Library.from_corpus(
        load_corpus(Path(corpus_dir), max_bytes=max_bytes, allowed_dirs=allowed)
    )


def render(settings: Settings) -> None:
    library = get_library(
        str(settings.corpus_dir),
        settings.max_file_bytes,
        tuple(str(d) for d in settings.allowed_dirs),
    )
    tab_overview, tab_timeline, tab_glossary, tab_quiz = st.tabs(
        ["Tổng quan văn bản", "Dòng thời gian", "Thuật ngữ", "Trắc nghiệm"]
    )
    with tab_overview:
        _overview(library)
    with tab_timeline:
        _timeline(library)
    with tab_glossary:
        _glossary(library)
    with tab_quiz:
        _quiz(library)


def _quote_box(library: Library, citation: Citation) -> None:
    st.caption(escape_markdown(citation.label))
    document = library.by_id.get(citation.doc_id)
    if document is not None:
        st.markdown(highlighted_clause(document, citation), unsafe_allow_html=True)


def _overview(library: Library) -> None:
    documents = {p.document.doc_id: p for p in library.documents}
    if not documents:
        st.info("Kho chưa có văn bản nào: hãy chép tệp vào thư mục corpus/.")
        return
    chosen = st.selectbox(
        "Văn bản",
        list(documents),
        format_func=lambda i: documents[i].document.citation_name,
        key="learn_document",
    )
    parsed = documents.get(chosen) or library.documents[0]
    found = overview(library, parsed)
    for kind, title in SECTIONS:
        lines = found.section(kind)
        if not lines:
            continue
        st.markdown(f"##### {title}")
        for line in lines:
            indent = "  " * line.depth
            head = f"{escape_markdown(line.label)}: {escape_markdown(line.text)}"
            with st.expander(f"{indent}{head}"):
                for citation in line.citations:
                    _quote_box(library, citation)


def _timeline(library: Library) -> None:
    nodes = timeline(library)
    st.dataframe(
        [
            {
                "Cấp": n.level_name,
                "Ngày": vn_date(n.date),
                "Văn bản": n.name,
                "Thực hiện": ", ".join(n.implements) or "—",
                "Trong kho": "có" if n.in_corpus else "không có trong kho",
            }
            for n in nodes
        ],
        hide_index=True,
        width="stretch",
    )
    edges = [Relation(n.number, up) for n in nodes for up in n.implements]
    if edges:
        st.graphviz_chart(relations_dot(edges, [n.number for n in nodes if n.in_corpus]))
        st.caption("Khung nét đứt: văn bản được nhắc đến nhưng không có trong kho.")


def _glossary(library: Library) -> None:
    entries = glossary(library)
    st.dataframe(
        [
            {
                "Viết tắt": e.term,
                "Nghĩa": e.expansion,
                "Loại": e.kind,
                "Số lần": e.count,
                "Xuất hiện ở": "; ".join(f"{o.document}, {o.clause}" for o in e.occurrences),
            }
            for e in entries
        ],
        hide_index=True,
        width="stretch",
    )


def _quiz_key(seed: int, item: QuizItem) -> str:
    return f"learn_quiz_{seed}_{item.id}"


def _labels(item: QuizItem) -> list[str]:
    return [f"{letter(i)}. {o.text}" for i, o in enumerate(item.options)]


def _chosen(seed: int, item: QuizItem) -> int | None:
    """The option index picked for ``item``, or None."""
    picked = st.session_state.get(_quiz_key(seed, item))
    labels = _labels(item)
    return labels.index(picked) if picked in labels else None


def _reset() -> None:
    st.session_state[SUBMITTED] = False


def _quiz(library: Library) -> None:
    left, right = st.columns(2)
    n = int(left.number_input("Số câu", 1, 30, 10, key="learn_quiz_n", on_change=_reset))
    seed = int(right.number_input("Đề số", 0, 10_000, 0, key="learn_quiz_seed", on_change=_reset))
    items = make_quiz(library, n=n, seed=seed)
    if not items:
        st.info("Kho văn bản không đủ nội dung để ra câu hỏi.")
        return
    submitted = st.session_state.get(SUBMITTED, False)
    for number, item in enumerate(items, 1):
        st.markdown(f"**Câu {number}.** {escape_markdown(item.question)}")
        st.radio(
            f"Câu {number}",
            _labels(item),
            index=None,
            key=_quiz_key(seed, item),
            label_visibility="collapsed",
            disabled=submitted,
        )
        if submitted:
            _show_answer(library, item, _chosen(seed, item))
    if not submitted:
        st.button("Nộp bài", key="learn_quiz_submit", on_click=_submit)
        return
    given = {item.id: _chosen(seed, item) for item in items}
    result = score(items, given)
    st.success(f"Kết quả: {result.text}.")
    st.button("Làm lại", key="learn_quiz_again", on_click=_again, args=(seed, items))


def _submit() -> None:
    st.session_state[SUBMITTED] = True


def _again(seed: int, items: list[QuizItem]) -> None:
    for item in items:
        st.session_state.pop(_quiz_key(seed, item), None)
    st.session_state[SUBMITTED] = False


def _show_answer(library: Library, item: QuizItem, chosen: int | None) -> None:
    right = chosen == item.answer
    verdict = "Đúng" if right else "Chưa trả lời" if chosen is None else "Chưa đúng"
    icon = ":green-badge[Đúng]" if right else f":red-badge[{verdict}]"
    st.markdown(
        f"{icon} Đáp án: **{letter(item.answer)}. {escape_markdown(item.answer_text)}** — "
        f"{escape_markdown(item.explanation)}"
    )
    with st.expander("Xem khoản trích dẫn"):
        _quote_box(library, item.citation)
