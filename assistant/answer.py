"""``answer()``: the one entry point the CLI and the app call.

question → checked → follow-up resolved → composed (offline, or by an LLM when one is
configured) → every citation verified against its source → ``Answer``.
"""

from __future__ import annotations

import dataclasses
import re
import time
from collections.abc import Sequence
from functools import lru_cache

from assistant.citations import verify
from assistant.conversation import Turn, resolve
from assistant.engine import Engine, open_engine
from assistant.retrieval import SearchFilters
from assistant.settings import Settings
from assistant.types import Answer

MAX_QUESTION_CHARS = 1000


def refusal(question: str) -> str | None:
    """A polite Vietnamese message for a question that cannot be asked as it is."""
    stripped = question.strip()
    if not stripped:
        return "Vui lòng nhập câu hỏi về các văn bản trong kho."
    if len(stripped) > MAX_QUESTION_CHARS:
        return (
            f"Câu hỏi quá dài ({len(stripped):,} ký tự; tối đa {MAX_QUESTION_CHARS:,}). ".replace(
                ",", "."
            )
            + "Hãy rút gọn câu hỏi, ví dụ: “Sở Y tế phải làm gì?”."
        )
    if not re.search(r"[^\W\d_]", stripped):
        return "Câu hỏi cần có chữ. Ví dụ: “Sở Y tế phải làm gì?”."
    return None


@lru_cache(maxsize=2)
def _engine_for(settings: Settings) -> Engine:
    return open_engine(settings)


def answer(
    question: str,
    history: Sequence[Turn] = (),
    settings: Settings | None = None,
    *,
    engine: Engine | None = None,
    filters: SearchFilters | None = None,
) -> Answer:
    """Answer a Vietnamese question with verified citations, or say why it cannot be answered."""
    started = time.perf_counter()
    message = refusal(question)
    if message:
        return Answer(question, question, (), (), abstained=True, intent="refused", message=message)
    engine = engine or _engine_for(settings or Settings())
    loaded = time.perf_counter()
    resolved = resolve(question.strip(), history, engine.index.documents)
    draft = engine.composer.compose(question, resolved.question, resolved.documents, filters)
    composed = time.perf_counter()
    checked = verify(draft, {d.doc_id: d for d in engine.index.documents})
    timings = {
        "load": round((loaded - started) * 1000, 1),
        "compose": round((composed - loaded) * 1000, 1),
        "verify": round((time.perf_counter() - composed) * 1000, 1),
        "total": round((time.perf_counter() - started) * 1000, 1),
    }
    return dataclasses.replace(checked, timings_ms=timings)
