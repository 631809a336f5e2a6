"""The "Hỏi đáp" tab: questions in, answers with one card per citation out."""

from __future__ import annotations

import logging

import streamlit as st

from assistant.answering.answer import answer
from assistant.answering.conversation import Turn
from assistant.answering.engine import Engine
from assistant.errors import AssistantError
from assistant.search.retrieval import SearchFilters
from assistant.types import Answer, Citation
from assistant.ui.format import (
    conversation_markdown,
    escape_markdown,
    highlighted_clause,
    vn_date,
)

log = logging.getLogger(__name__)

EXAMPLES = (
    "Sở Y tế phải làm gì?",
    "Kết luận 44 do ai ký?",
    "Tỷ lệ dân số hiến máu đến năm 2033 là bao nhiêu?",
    "Kiến An và Từ Sơn giao Hội Chữ thập đỏ những việc gì?",
)
TURNS = "turns"
PENDING = "pending_question"


def turns() -> list[Turn]:
    return st.session_state.setdefault(TURNS, [])


def sidebar_filters(engine: Engine) -> SearchFilters:
    """Documents and issuing bodies to search in; nothing chosen means everything."""
    documents = {d.doc_id: d for d in engine.index.documents}
    st.sidebar.header("Phạm vi tìm kiếm")
    chosen = st.sidebar.multiselect(
        "Văn bản",
        list(documents),
        format_func=lambda i: documents[i].short_name,
        placeholder="Tất cả văn bản",
        key="filter_documents",
    )
    issuers = sorted({d.issuer for d in documents.values() if d.issuer})
    chosen_issuers = st.sidebar.multiselect(
        "Cơ quan ban hành", issuers, placeholder="Tất cả cơ quan", key="filter_issuers"
    )
    return SearchFilters(doc_ids=frozenset(chosen), issuers=frozenset(chosen_issuers))


def _clear() -> None:
    st.session_state[TURNS] = []


def sidebar_conversation() -> None:
    """Clear and download; drawn after the chat so the download includes the newest answer."""
    st.sidebar.header("Hội thoại")
    st.sidebar.button("Xóa hội thoại", on_click=_clear, width="stretch", key="clear")
    st.sidebar.download_button(
        "Tải xuống (Markdown)",
        conversation_markdown(turns()),
        file_name="hoi-thoai.md",
        mime="text/markdown",
        width="stretch",
        disabled=not turns(),
        key="download",
    )


def render(engine: Engine, filters: SearchFilters) -> None:
    # Fixed slots keep every message at the same place from run to run, so an expander
    # opened on a citation stays open when the page reruns.
    intro = st.empty()
    messages = st.container()
    if not turns():
        with intro.container():
            st.markdown("Hỏi về các văn bản trong kho. Ví dụ:")
            columns = st.columns(2)
            for i, example in enumerate(EXAMPLES):
                if columns[i % 2].button(example, key=f"example_{i}", width="stretch"):
                    st.session_state[PENDING] = example
    typed = st.chat_input("Nhập câu hỏi, ví dụ: Sở Y tế phải làm gì?", key="question")
    question = typed if typed is not None else st.session_state.pop(PENDING, None)
    if question is not None:
        intro.empty()
    with messages:
        for turn in turns():
            show_turn(engine, turn)
        if question is not None:
            with st.chat_message("user"):
                st.markdown(escape_markdown(question) or "…")
            with st.chat_message("assistant"), st.spinner("Đang tìm trong các văn bản…"):
                result = ask(engine, question, filters)
                if result is not None:
                    show_answer(engine, result, len(turns()))
            if result is not None:
                turns().append(Turn(question, result))


def ask(engine: Engine, question: str, filters: SearchFilters) -> Answer | None:
    """The answer, or None after showing a friendly error."""
    try:
        return answer(question, turns(), engine=engine, filters=filters)
    except AssistantError as exc:
        st.error(str(exc))
    except Exception:
        log.exception("answer failed for %r", question)
        st.error("Xin lỗi, đã có lỗi khi trả lời câu hỏi này. Vui lòng thử lại hoặc hỏi cách khác.")
    return None


def show_turn(engine: Engine, turn: Turn) -> None:
    with st.chat_message("user"):
        st.markdown(escape_markdown(turn.question) or "…")
    with st.chat_message("assistant"):
        show_answer(engine, turn.answer, turns().index(turn))


def show_answer(engine: Engine, result: Answer, turn_number: int) -> None:
    """Refusals as information, abstentions as a warning, then one card per citation."""
    if result.message:
        st.info(result.message)
        return
    statements = list(result.statements)
    if result.abstained and statements and statements[0].kind == "note":
        st.warning(escape_markdown(statements.pop(0).text))
    elif result.abstained:
        st.warning("Các văn bản trong kho không nêu nội dung này.")
    blocks = []
    for s in statements:
        markers = "".join(f"\\[{n}\\]" for n in s.citations)
        text = f"{escape_markdown(s.text)} {markers}".rstrip()
        if s.kind == "note" and s.text.startswith("Có thể liên quan"):
            text = ":orange-badge[Có thể liên quan] không phải câu trả lời trực tiếp:"
        elif s.kind == "related":
            text = f"- :orange-badge[Có thể liên quan] {text.removeprefix('- ')}"
        blocks.append(text)
    if blocks:
        st.markdown("\n\n".join(blocks))
    answered = {n for s in result.statements if s.kind == "fact" for n in s.citations}
    for citation in result.citations:
        citation_card(
            engine,
            citation,
            related=citation.number not in answered,
            key=f"{turn_number}_{citation.number}",
        )


def citation_card(engine: Engine, citation: Citation, *, related: bool, key: str) -> None:
    with st.container(border=True, key=f"citation_{key}"):
        badge = ":orange-badge[Có thể liên quan] " if related else ""
        st.markdown(f"{badge}**\\[{citation.number}\\] {escape_markdown(citation.label)}**")
        st.caption(
            f"Cơ quan ban hành: {escape_markdown(citation.issuer or '—')} · "
            f"Ngày: {vn_date(citation.date)}"
        )
        st.markdown(f"> {escape_markdown(' '.join(citation.quote.split()))}")
        try:
            document = engine.index.document(citation.doc_id)
        except KeyError:
            return
        with st.expander("Xem toàn bộ khoản"):
            st.markdown(highlighted_clause(document, citation), unsafe_allow_html=True)
