"""Streamlit entry point. Thin: it loads the engine once and hands each tab to its view."""

from __future__ import annotations

import logging
from collections.abc import Callable

import streamlit as st

from assistant.errors import AssistantError
from assistant.settings import Settings
from assistant.ui import chat, documents, learn, responsibilities
from assistant.ui.loader import get_engine

log = logging.getLogger("assistant.app")

st.set_page_config(page_title="Trợ lý văn bản chỉ đạo", page_icon="📜", layout="wide")
st.title("Trợ lý văn bản chỉ đạo")
st.caption("Hỏi đáp tiếng Việt; mỗi ý đều ghi rõ khoản, điểm và cơ quan ban hành.")

try:
    engine = get_engine(Settings())
except AssistantError as exc:
    st.error(str(exc))
    st.stop()
except Exception:
    log.exception("could not open the engine")
    st.error("Không mở được kho văn bản và chỉ mục. Vui lòng kiểm tra cài đặt rồi tải lại trang.")
    st.stop()


def guarded(view: Callable[..., None], *args: object) -> None:
    """A view that fails shows a message in its tab; the other tabs keep working."""
    try:
        view(*args)
    except Exception:
        log.exception("view %s failed", view.__module__)
        st.error(
            "Không hiển thị được mục này. Vui lòng tải lại trang; nếu vẫn lỗi, hãy báo quản trị."
        )


filters = chat.sidebar_filters(engine)

tab_chat, tab_documents, tab_bodies, tab_learn = st.tabs(["Hỏi đáp", "Văn bản", "Ai làm gì", "Học"])
with tab_chat:
    chat.render(engine, filters)
chat.sidebar_conversation()
with tab_documents:
    guarded(documents.render, engine)
with tab_bodies:
    guarded(responsibilities.render, engine)
with tab_learn:
    guarded(learn.render, engine.settings)
