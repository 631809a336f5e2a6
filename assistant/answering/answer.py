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

from assistant.answering.analyse import analyse
from assistant.answering.citations import verify
from assistant.answering.conversation import Turn, resolve
from assistant.answering.engine import Engine, open_engine
from assistant.answering.llm import LLMConfig, generate
from assistant.documents.relations import validity_notes
from assistant.search.retrieval import SearchFilters
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
    llm: LLMConfig | bool | None = True,
) -> Answer:
    """Answer a Vietnamese question with verified citations, or say why it cannot be answered.

    ``llm=True`` uses an OpenAI-compatible endpoint when ``ASSISTANT_LLM_*`` is set, else
    the offline composer; ``llm=False`` always composes offline.
    """
    started = time.perf_counter()
    message = refusal(question)
    if message:
        return Answer(question, question, (), (), abstained=True, intent="refused", message=message)
    engine = engine or _engine_for(settings or Settings())
    loaded = time.perf_counter()
    resolved = resolve(question.strip(), history, engine.index.documents)
    draft = _generated(question, resolved.question, resolved.documents, engine, filters, llm)
    if draft is None:
        draft = engine.composer.compose(question, resolved.question, resolved.documents, filters)
    composed = time.perf_counter()
    checked = verify(draft, {d.doc_id: d for d in engine.index.documents})
    cited = (c.doc_number for c in checked.citations)
    notes = validity_notes(cited, engine.relations, engine.versions)
    if notes and not checked.abstained:
        checked = dataclasses.replace(checked, statements=(*checked.statements, *notes))
    timings = {
        "load": round((loaded - started) * 1000, 1),
        "compose": round((composed - loaded) * 1000, 1),
        "verify": round((time.perf_counter() - composed) * 1000, 1),
        "total": round((time.perf_counter() - started) * 1000, 1),
    }
    return dataclasses.replace(checked, timings_ms=timings)


def _generated(
    question: str,
    resolved: str,
    documents: Sequence[str],
    engine: Engine,
    filters: SearchFilters | None,
    llm: LLMConfig | bool | None,
) -> Answer | None:
    """An LLM's answer over the retrieved clauses, or None to compose offline.

    The offline composer keeps structured questions (who must do what, metadata, lists):
    it answers them from the whole corpus, not from a handful of retrieved clauses, and its
    abstentions offer the nearest clauses. An LLM abstention also falls back to it.
    """
    config = LLMConfig.from_env() if llm is True else (llm or None)
    if config is None:
        return None
    analysis = analyse(resolved, engine.index.documents)
    if len(analysis.parts) > 1 or analysis.first.asked not in (
        "content",
        "when",
        "person",
        "figure",
        "deadline",
    ):
        return None
    if documents and not (filters and filters.doc_ids):
        base = filters or SearchFilters()
        filters = dataclasses.replace(base, doc_ids=frozenset(documents))
    hits = engine.searcher.search(resolved, k=config.max_clauses, filters=filters)
    result = generate(resolved, hits, config)
    if result is None or result.abstained:
        return None
    return dataclasses.replace(result, question=question, resolved_question=resolved)
