"""'Báo sai': a wrong answer recorded as one JSON line, so it can become a gold question."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

from assistant.types import Answer


def feedback_record(answer: Answer, comment: str = "") -> dict[str, object]:
    """The question, the answer as shown, each citation (label, clause, quote) and the comment."""
    return {
        "time": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "question": answer.question,
        "resolved_question": answer.resolved_question,
        "answer": answer.text,
        "abstained": answer.abstained,
        "citations": [
            {
                "number": c.number,
                "label": c.label,
                "doc_id": c.doc_id,
                "doc_number": c.doc_number,
                "clause": c.clause,
                "chunk_id": c.chunk_id,
                "source": c.source,
                "start": c.start,
                "end": c.end,
                "quote": c.quote,
            }
            for c in answer.citations
        ],
        "comment": comment.strip(),
    }


def record_feedback(path: Path, answer: Answer, comment: str = "") -> None:
    """Append one line to ``path`` (created with its folder on first use)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    line = json.dumps(feedback_record(answer, comment), ensure_ascii=False)
    with path.open("a", encoding="utf-8") as f:
        f.write(line + "\n")
