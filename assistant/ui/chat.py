"""The "Hỏi đáp" page: questions in, answers with one card per citation out."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

import streamlit as st

from assistant.answering.conversation import Turn
from assistant.errors import AssistantError
from assistant.types import Answer, Citation
from assistant.ui.feedback import record_feedback
from assistant.ui.format import (
    conversation_markdown,
    escape_markdown,
    highlighted_clause,
    ocr_note,
    quoted_in_answer,
    short_quote,
    vn_date,
)
from assistant.ui.loader import Loading, wait_for_engine, wait_for_model

if TYPE_CHECKING:  # the answering modules load in the background (see loader)
    from assistant.answering.engine import Engine
    from assistant.search.retrieval import SearchFilters

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
    from assistant.search.retrieval import SearchFilters

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


def _ask(question: str) -> None:
    st.session_state[PENDING] = question


def render(loading: Loading) -> None:
    """The chat page: the input pinned at the bottom is drawn first, so it can be used while
    the engine opens; a question typed meanwhile is answered once it is open."""
    typed = st.chat_input("Nhập câu hỏi, ví dụ: Sở Y tế phải làm gì?", key="question")
    if typed is not None:
        st.session_state[PENDING] = typed
    # Fixed slots keep every message at the same place from run to run, so an expander
    # opened on a citation stays open when the page reruns.
    intro = st.empty()
    messages = st.container()
    if not turns() and PENDING not in st.session_state:
        with intro.container():
            st.markdown("Hỏi về các văn bản trong kho. Ví dụ:")
            columns = st.columns(2)
            for i, example in enumerate(EXAMPLES):
                columns[i % 2].button(
                    example, key=f"example_{i}", width="stretch", on_click=_ask, args=(example,)
                )
    engine = wait_for_engine(loading)
    if engine is None:
        return
    filters = sidebar_filters(engine)
    question = st.session_state.pop(PENDING, None)
    with messages:
        for number, turn in enumerate(turns()):
            show_turn(engine, turn, number)
        if question is not None:
            with st.chat_message("user"):
                st.markdown(escape_markdown(question) or "…")
            with st.chat_message("assistant"):
                wait_for_model(loading)
                with st.spinner("Đang tìm trong các văn bản…"):
                    result = ask(engine, question, filters)
                if result is not None:
                    show_answer(engine, result, len(turns()))
            if result is not None:
                turns().append(Turn(question, result))
        scroll_to_newest()
    sidebar_conversation()


# Streamlit keeps the page's scroll position while an answer streams in, which leaves the
# new answer under the chat box; this scrolls every scrollable ancestor of the last message
# to its end, a few times while the cards arrive. Runs in a same-origin iframe (our own fixed
# script, never user text), loads nothing.
_SCROLL_JS = """<script>
const doc = window.parent.document;
function down() {
  const all = doc.querySelectorAll('[data-testid="stChatMessage"]');
  let el = all.length ? all[all.length - 1] : null;
  while (el) {
    const style = window.parent.getComputedStyle(el);
    if (el.scrollHeight > el.clientHeight && /(auto|scroll)/.test(style.overflowY)) {
      el.scrollTop = el.scrollHeight;
    }
    el = el.parentElement;
  }
}
for (const ms of [50, 300, 800, 1500]) setTimeout(down, ms);
</script>"""


def scroll_to_newest() -> None:
    """Bring the newest answer into view above the chat box."""
    st.iframe(_SCROLL_JS, height=1)


def ask(engine: Engine, question: str, filters: SearchFilters) -> Answer | None:
    """The answer, or None after showing a friendly error."""
    from assistant.answering.answer import answer

    try:
        return answer(question, turns(), engine=engine, filters=filters)
    except AssistantError as exc:
        st.error(str(exc))
    except Exception:
        log.exception("answer failed for %r", question)
        st.error("Xin lỗi, đã có lỗi khi trả lời câu hỏi này. Vui lòng thử lại hoặc hỏi cách khác.")
    return None


def show_turn(engine: Engine, turn: Turn, number: int) -> None:
    with st.chat_message("user"):
        st.markdown(escape_markdown(turn.question) or "…")
    with st.chat_message("assistant"):
        show_answer(engine, turn.answer, number)


def show_answer(engine: Engine, result: Answer, turn_number: int) -> None:
    """Refusals as information, abstentions as a warning, then one card per citation and
    the 'Báo sai' button."""
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
            quoted=quoted_in_answer(result, citation),
            key=f"{turn_number}_{citation.number}",
        )
    report_button(engine, result, turn_number)


def citation_card(
    engine: Engine, citation: Citation, *, related: bool, quoted: bool, key: str
) -> None:
    """Label, issuing body and date; the quote only when the answer does not already hold
    it, and the whole clause (quote highlighted) one click away."""
    with st.container(border=True, key=f"citation_{key}"):
        badge = ":orange-badge[Có thể liên quan] " if related else ""
        st.markdown(f"{badge}**\\[{citation.number}\\] {escape_markdown(citation.label)}**")
        st.caption(
            f"Cơ quan ban hành: {escape_markdown(citation.issuer or '—')} · "
            f"Ngày: {vn_date(citation.date)}"
        )
        if not quoted:
            st.markdown(f"> {escape_markdown(short_quote(citation.quote))}")
        try:
            document = engine.index.document(citation.doc_id)
        except KeyError:
            return
        note = ocr_note(document)
        if note:
            st.caption(f":warning: {note}")
        with st.expander("Xem toàn bộ khoản"):
            st.markdown(highlighted_clause(document, citation), unsafe_allow_html=True)


def _send_report(engine: Engine, result: Answer, key: str) -> None:
    comment = st.session_state.get(f"{key}_comment", "")
    try:
        record_feedback(engine.settings.feedback_file, result, comment)
    except OSError:
        log.exception("could not record feedback")
        st.session_state[f"{key}_sent"] = "error"
        return
    st.session_state[f"{key}_sent"] = "ok"


def report_button(engine: Engine, result: Answer, turn_number: int) -> None:
    """'Báo sai': the question, answer, citations and a comment go to a local JSONL file."""
    key = f"report_{turn_number}"
    sent = st.session_state.get(f"{key}_sent")
    if sent == "ok":
        st.caption("Đã ghi nhận báo sai. Cảm ơn bạn!")
        return
    with st.popover("Báo sai", icon=":material/flag:"):
        st.text_area(
            "Điều gì chưa đúng? (không bắt buộc)",
            key=f"{key}_comment",
            placeholder="Ví dụ: thiếu khoản 3; trích sai văn bản…",
        )
        st.button(
            "Gửi báo sai",
            key=f"{key}_send",
            on_click=_send_report,
            args=(engine, result, key),
        )
        if sent == "error":
            st.error("Không ghi được báo sai vào tệp. Vui lòng báo quản trị.")
