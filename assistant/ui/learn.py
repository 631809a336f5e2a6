"""The "Học" tab: each document's overview, the timeline, the glossary and a quiz.

Thin: everything shown comes from ``assistant.learn``; answers live in
``st.session_state`` under keys of their own, so reruns keep them.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Literal

import streamlit as st

from assistant.documents.corpus import load_corpus
from assistant.learn.glossary import Occurrence, glossary
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
    wrapped_row_height,
)

SUBMITTED = "learn_quiz_submitted"
Width = Literal["small", "medium", "large"]


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


def _pick_row(table: str, target: str) -> None:
    rows = st.session_state[table].selection.rows
    st.session_state[target] = rows[0] if rows else None


def _selectable(rows: list[dict[str, str]], key: str, widths: dict[str, Width]) -> int | None:
    """A table whose rows wrap (nothing cut) and can be chosen; the chosen row's index."""
    target = f"{key}_row"
    row_height = wrapped_row_height(rows)  # tall enough to wrap every cell in full
    st.dataframe(
        rows,
        hide_index=True,
        width="stretch",
        row_height=row_height,
        height=min(40 + (row_height or 35) * len(rows), 700),
        column_config={name: st.column_config.TextColumn(width=w) for name, w in widths.items()},
        on_select=lambda: _pick_row(key, target),
        selection_mode="single-row",
        key=key,
    )
    chosen = st.session_state.get(target)
    return chosen if isinstance(chosen, int) and chosen < len(rows) else None


def _timeline(library: Library) -> None:
    nodes = timeline(library)
    st.caption("Chọn một dòng để mở khoản ghi văn bản đó.")
    chosen = _selectable(
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
        "learn_timeline",
        {"Cấp": "small", "Ngày": "small", "Văn bản": "large", "Thực hiện": "medium"},
    )
    if chosen is not None:
        node = nodes[chosen]
        with st.container(border=True):
            st.markdown(f"**{escape_markdown(node.name)}**")
            if node.citation is None:
                st.caption("Không có khoản nào trong kho ghi văn bản này.")
            else:
                _quote_box(library, node.citation)
    edges = [Relation(n.number, up) for n in nodes for up in n.implements]
    if edges:
        st.graphviz_chart(relations_dot(edges, [n.number for n in nodes if n.in_corpus]))
        st.caption("Khung nét đứt: văn bản được nhắc đến nhưng không có trong kho.")


def _where(occurrences: Sequence[Occurrence]) -> str:
    """Documents and how many of their clauses: the clauses open when the row is chosen."""
    clauses: dict[str, int] = {}
    for o in occurrences:
        clauses[o.document] = clauses.get(o.document, 0) + 1
    return "; ".join(f"{d} ({n} chỗ)" if n > 1 else d for d, n in clauses.items())


def _glossary(library: Library) -> None:
    entries = glossary(library)
    st.caption("Chọn một dòng để mở các khoản có chữ viết tắt đó.")
    chosen = _selectable(
        [
            {
                "Viết tắt": e.term,
                "Nghĩa": e.expansion,
                "Loại": e.kind,
                "Số lần": str(e.count),
                "Xuất hiện ở": _where(e.occurrences),
            }
            for e in entries
        ],
        "learn_glossary",
        {"Viết tắt": "small", "Nghĩa": "medium", "Loại": "small", "Xuất hiện ở": "large"},
    )
    if chosen is not None:
        entry = entries[chosen]
        st.markdown(f"**{escape_markdown(entry.term)}**: {escape_markdown(entry.expansion)}")
        for o in entry.occurrences:
            if o.citation is not None:
                with st.container(border=True):
                    st.markdown(f"**{escape_markdown(o.document)}**")
                    _quote_box(library, o.citation)


def _quiz_key(seed: int, item: QuizItem) -> str:
    return f"learn_quiz_{seed}_{item.id}"


def _labels(item: QuizItem) -> list[str]:
    return [f"{letter(i)}. {o.text}" for i, o in enumerate(item.options)]


def _chosen(seed: int, item: QuizItem) -> int | None:
    """The option index picked for ``item``, or None."""
    picked = st.session_state.get(_quiz_key(seed, item))
    labels = _labels(item)
    return labels.index(picked) if picked in labels else None


ANSWERS = "learn_quiz_answers"
CONFIRM = "learn_quiz_unanswered"


def _reset() -> None:
    st.session_state[SUBMITTED] = False
    st.session_state.pop(CONFIRM, None)


def _quiz(library: Library) -> None:
    left, right = st.columns(2)
    n = int(left.number_input("Số câu", 1, 30, 10, key="learn_quiz_n", on_change=_reset))
    seed = int(right.number_input("Đề số", 0, 10_000, 0, key="learn_quiz_seed", on_change=_reset))
    items = make_quiz(library, n=n, seed=seed)
    if not items:
        st.info("Kho văn bản không đủ nội dung để ra câu hỏi.")
        return
    if st.session_state.get(SUBMITTED, False):
        _results(library, items)
        return
    for number, item in enumerate(items, 1):
        st.markdown(f"**Câu {number}.** {escape_markdown(item.question)}")
        st.radio(
            f"Câu {number}",
            _labels(item),
            index=None,
            key=_quiz_key(seed, item),
            label_visibility="collapsed",
        )
    missing = [i for i, item in enumerate(items, 1) if _chosen(seed, item) is None]
    if st.session_state.get(CONFIRM) and missing:
        st.warning(
            f"Còn {len(missing)} câu chưa trả lời (câu {', '.join(map(str, missing))}). "
            "Điểm chỉ tính trên các câu đã trả lời."
        )
        st.button(
            "Vẫn nộp bài", key="learn_quiz_confirm", on_click=_submit, args=(seed, items, True)
        )
    else:
        st.button("Nộp bài", key="learn_quiz_submit", on_click=_submit, args=(seed, items, False))


def _submit(seed: int, items: list[QuizItem], confirmed: bool) -> None:
    """Keep the answers apart from the radio widgets (which are not drawn after submitting)
    and submit, unless some are unanswered and the user has not confirmed yet."""
    answers = {item.id: _chosen(seed, item) for item in items}
    if None in answers.values() and not confirmed:
        st.session_state[CONFIRM] = True
        return
    st.session_state[ANSWERS] = answers
    st.session_state[SUBMITTED] = True
    st.session_state.pop(CONFIRM, None)


def _results(library: Library, items: list[QuizItem]) -> None:
    answers: dict[str, int | None] = st.session_state.get(ANSWERS, {})
    result = score(items, answers)
    for number, item in enumerate(items, 1):
        st.markdown(f"**Câu {number}.** {escape_markdown(item.question)}")
        _show_answer(library, item, answers.get(item.id))
    if result.answered:
        st.success(f"Kết quả: {result.text}.")
    else:
        st.warning("Bạn chưa trả lời câu nào.")
    st.button("Làm lại", key="learn_quiz_again", on_click=_again)


def _again() -> None:
    # The radios were not drawn on the results page, so Streamlit has already let their
    # answers go: the next round starts blank.
    st.session_state.pop(ANSWERS, None)
    st.session_state[SUBMITTED] = False


def _show_answer(library: Library, item: QuizItem, chosen: int | None) -> None:
    """Every option, the chosen one marked and kept readable, the right one in bold."""
    lines = []
    for i, option in enumerate(item.options):
        text = f"{letter(i)}. {escape_markdown(option.text)}"
        if option.correct:
            text = f"**{text}** :green-badge[Đáp án đúng]"
        if i == chosen:
            text += " :blue-badge[Bạn chọn]"
        lines.append(f"- {text}")
    st.markdown("\n".join(lines))
    right = chosen == item.answer
    verdict = "Đúng" if right else "Chưa trả lời" if chosen is None else "Chưa đúng"
    icon = ":green-badge[Đúng]" if right else f":red-badge[{verdict}]"
    st.markdown(
        f"{icon} Đáp án: **{letter(item.answer)}. {escape_markdown(item.answer_text)}** — "
        f"{escape_markdown(item.explanation)}"
    )
    with st.expander("Xem khoản trích dẫn"):
        _quote_box(library, item.citation)
