"""The engine, loaded once per process, with visible progress the first time.

``st.cache_resource`` replays any element a cached function draws, so the cached function
only hands out a slot; the engine is opened into it outside the cache, under a lock, while
a status box shows what is happening.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field

import streamlit as st

from assistant.answering.engine import Engine, open_engine
from assistant.settings import Settings


@dataclass
class _EngineSlot:
    lock: threading.Lock = field(default_factory=threading.Lock)
    engine: Engine | None = None


@st.cache_resource(show_spinner=False)
def _engine_slot(settings_json: str) -> _EngineSlot:
    return _EngineSlot()


def get_engine(settings: Settings) -> Engine:
    """The engine for these settings; the first call prepares the model and the index."""
    slot = _engine_slot(settings.model_dump_json())
    if slot.engine is not None:
        return slot.engine
    with slot.lock:
        if slot.engine is None:
            slot.engine = _open_with_progress(settings)
    return slot.engine


def _open_with_progress(settings: Settings) -> Engine:
    box = st.empty()
    with box.container(), st.status("Đang chuẩn bị mô hình…", expanded=True) as status:
        st.caption("Lần chạy đầu tiên mất khoảng một phút; các lần sau chỉ vài giây.")
        bar = st.empty()
        building = False

        def to_building() -> None:
            nonlocal building
            if not building:
                building = True
                status.update(label="Đang xây dựng chỉ mục…", expanded=True)

        def notify(message: str) -> None:
            to_building()
            st.write(message)

        def progress(done: int, total: int) -> None:
            to_building()
            bar.progress(min(done / max(total, 1), 1.0), text=f"Đã nhúng {done}/{total} đoạn")

        engine = open_engine(settings, notify=notify, progress=progress)
        status.update(label="Đã sẵn sàng.", state="complete", expanded=False)
    box.empty()
    return engine
