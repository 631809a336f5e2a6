"""The engine, opened once per process in a background thread, with its progress in view.

The page draws the chat box first and the engine opens behind it: a restart with a built
index shows the chat box at once, and the language model loads in a second thread beside
the index. ``st.cache_resource`` holds one ``Loading`` per settings value; every session
reads the same one.
"""

from __future__ import annotations

import logging
import threading
import time
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import streamlit as st

from assistant.errors import AssistantError
from assistant.settings import Settings
from assistant.ui.format import vietnamese

if TYPE_CHECKING:  # the engine's modules take seconds to import: the load thread does it
    from assistant.answering.engine import Engine

log = logging.getLogger(__name__)

FIRST_RUN = (
    "Lần chạy đầu tiên đọc và lập chỉ mục toàn bộ văn bản (khoảng một phút); các lần sau "
    "chỉ vài giây. Bạn có thể nhập câu hỏi ngay bây giờ: câu trả lời sẽ hiện khi xong."
)
OPENING = "Đang mở chỉ mục đã có. Bạn có thể nhập câu hỏi ngay bây giờ."
FAILED = "Không mở được kho văn bản và chỉ mục. Vui lòng kiểm tra cài đặt rồi tải lại trang."


@dataclass
class Loading:
    """How far the background load has got. Written by its thread, read by the pages."""

    stage: str = "Đang mở kho văn bản…"
    unit: str = ""  # what done/total count: "văn bản đã đọc", "đoạn đã nhúng"
    done: int = 0
    total: int = 0
    building: bool = False  # a first run or a changed corpus: documents are read and embedded
    engine: Engine | None = None
    error: str | None = None
    started: float = field(default_factory=time.monotonic)
    ready_seconds: float | None = None  # when the engine could answer
    model_ready: threading.Event = field(default_factory=threading.Event)
    lock: threading.Lock = field(default_factory=threading.Lock)
    thread: threading.Thread | None = None

    @property
    def fraction(self) -> float:
        return min(self.done / self.total, 1.0) if self.total else 0.0

    def finished(self) -> bool:
        return self.engine is not None or self.error is not None


@st.cache_resource(show_spinner=False)
def _loading(settings_json: str) -> Loading:
    return Loading()


def start(settings: Settings) -> Loading:
    """The load for these settings, started on the first call of the process."""
    loading = _loading(settings.model_dump_json())
    with loading.lock:
        if loading.thread is None:
            loading.thread = threading.Thread(
                target=_load, args=(loading, settings), name="engine-load", daemon=True
            )
            loading.thread.start()
    return loading


def _load(loading: Loading, settings: Settings) -> None:
    def notify(message: str) -> None:
        # The engine says it (re)builds the index, then names skipped files: those are
        # shown on the Văn bản page, not here.
        if not loading.building:
            loading.building = True
            loading.stage = "Đang đọc văn bản…"

    def parsing(done: int, total: int) -> None:
        loading.building = True
        loading.stage = f"Đang đọc văn bản {done + 1}/{total}…"
        loading.done, loading.total, loading.unit = done, total, "văn bản đã đọc"
        if done + 1 >= total:  # the last file; then the first batch loads the model
            loading.stage = "Đang chuẩn bị mô hình ngôn ngữ (chỉ lần đầu, khoảng một phút)…"
            loading.done = loading.total = 0

    def embedding(done: int, total: int) -> None:
        loading.stage = f"Đang nhúng {done}/{total} đoạn văn bản…"
        loading.done, loading.total, loading.unit = done, total, "đoạn đã nhúng"

    try:
        from assistant.answering.engine import open_engine
        from assistant.search.embedder import get_embedder

        # The model loads beside the index (it is the slow part of a restart); a first
        # build's first batch waits for it under the embedder's lock.
        embedder = get_embedder(settings.embedding_model, settings.models_dir)
        threading.Thread(
            target=_warm_up, args=(loading, embedder), name="model-load", daemon=True
        ).start()
        engine = open_engine(
            settings, notify=notify, progress=embedding, parsing=parsing, embedder=embedder
        )
        if not loading.model_ready.is_set():
            loading.stage = "Đang nạp mô hình ngôn ngữ…"
        loading.engine = engine
        loading.ready_seconds = time.monotonic() - loading.started
        log.info("engine open after %.1f s", loading.ready_seconds)
    except AssistantError as exc:
        log.warning("could not open the engine: %s", exc)
        loading.error = vietnamese(str(exc)) or FAILED
        loading.model_ready.set()
    except Exception:
        log.exception("could not open the engine")
        loading.error = FAILED
        loading.model_ready.set()


def _warm_up(loading: Loading, embedder: object) -> None:
    try:
        warm_up = getattr(embedder, "warm_up", None)
        if warm_up is not None:
            warm_up()
        log.info("model loaded after %.1f s", time.monotonic() - loading.started)
    except Exception:  # the first question meets the same error and shows it in Vietnamese
        log.exception("could not load the embedding model")
    finally:
        loading.model_ready.set()


def wait_for_engine(loading: Loading) -> Engine | None:
    """The engine, showing a status box with the stage and a progress bar until it is open;
    None after showing why it could not open."""
    if loading.engine is None and loading.error is None:
        box = st.empty()
        with box.container(), st.status(loading.stage, expanded=True) as status:
            note = st.empty()
            bar = st.progress(0.0, text=loading.stage)
            while not loading.finished():
                status.update(label=loading.stage, expanded=True)
                note.caption(FIRST_RUN if loading.building else OPENING)
                text = (
                    f"{loading.done}/{loading.total} {loading.unit}"
                    if loading.total
                    else loading.stage
                )
                bar.progress(loading.fraction, text=text)
                time.sleep(0.25)
        box.empty()
    if loading.error is not None:
        st.error(loading.error)
        return None
    return loading.engine


def wait_for_model(loading: Loading) -> None:
    """Block until the language model is loaded (the first question after a start)."""
    if not loading.model_ready.is_set():
        with st.spinner("Đang nạp mô hình ngôn ngữ (chỉ sau khi khởi động)…"):
            loading.model_ready.wait()


def reopen(loading: Loading, settings: Settings) -> Engine | None:
    """Open the engine again after the corpus folder changed, in this run, with a progress
    bar: only new or changed passages are embedded, with the model already loaded. Every
    session uses the new engine from its next run."""
    from assistant.answering.engine import open_engine

    old = loading.engine
    box = st.empty()
    with box.container(), st.status("Đang cập nhật chỉ mục…", expanded=True) as status:
        bar = st.progress(0.0, text="Đang đọc văn bản…")

        def parsing(done: int, total: int) -> None:
            bar.progress(done / max(total, 1), text=f"Đang đọc văn bản {done + 1}/{total}")

        def embedding(done: int, total: int) -> None:
            bar.progress(min(done / max(total, 1), 1.0), text=f"Đang nhúng {done}/{total} đoạn mới")

        try:
            engine = open_engine(
                settings,
                notify=lambda _message: None,
                progress=embedding,
                parsing=parsing,
                embedder=old.embedder if old else None,
            )
        except AssistantError as exc:
            status.update(label="Không cập nhật được chỉ mục.", state="error")
            st.error(vietnamese(str(exc)) or FAILED)
            return None
        except Exception:
            log.exception("could not re-open the engine")
            status.update(label="Không cập nhật được chỉ mục.", state="error")
            st.error(FAILED)
            return None
        bar.progress(1.0, text="Xong")
    box.empty()
    loading.engine = engine
    return engine
