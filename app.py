"""Streamlit entry point. Thin: it starts opening the engine and hands each page to its view.

Pages (``st.navigation``) rather than tabs: only the page in view runs on each interaction,
and the chat input of the main page is pinned to the bottom of the window.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

import streamlit as st

from assistant.settings import Settings
from assistant.ui import chat, loader

log = logging.getLogger("assistant.app")

st.set_page_config(page_title="Trợ lý văn bản chỉ đạo", layout="wide")

# Streamlit's own running indicator ("Stop") and menu are in English; the pages show their
# own Vietnamese progress instead.
st.html(
    "<style>[data-testid='stStatusWidget'], [data-testid='stMainMenu'] "
    "{visibility: hidden;}</style>"
)

settings = Settings()
loading = loader.start(settings)


def guarded(view: Callable[[], None]) -> Callable[[], None]:
    """A page that fails shows a Vietnamese message; the other pages keep working."""

    def page() -> None:
        try:
            view()
        except Exception:
            log.exception("page %s failed", view.__name__)
            st.error(
                "Không hiển thị được mục này. Vui lòng tải lại trang; nếu vẫn lỗi, hãy báo quản trị."
            )

    page.__name__ = view.__name__
    return page


def chat_page() -> None:
    st.title("Trợ lý văn bản chỉ đạo")
    st.caption("Hỏi đáp tiếng Việt; mỗi ý đều ghi rõ khoản, điểm và cơ quan ban hành.")
    chat.render(loading)


# The other pages import their modules when shown: the chat box must not wait for them.
def documents_page() -> None:
    from assistant.ui import documents

    engine = loader.wait_for_engine(loading)
    if engine is not None:
        documents.render(engine, loading)


def bodies_page() -> None:
    from assistant.ui import responsibilities

    engine = loader.wait_for_engine(loading)
    if engine is not None:
        responsibilities.render(engine)


def learn_page() -> None:
    from assistant.ui import learn

    learn.render(settings)


pages = [
    st.Page(guarded(chat_page), title="Hỏi đáp", url_path="hoi-dap", default=True),
    st.Page(guarded(documents_page), title="Văn bản", url_path="van-ban"),
    st.Page(guarded(bodies_page), title="Ai làm gì", url_path="ai-lam-gi"),
    st.Page(guarded(learn_page), title="Học", url_path="hoc"),
]
st.navigation(pages, position="top").run()
