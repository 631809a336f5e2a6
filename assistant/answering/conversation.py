"""Follow-up questions resolved against the conversation so far.

"Còn Sở Tài chính thì sao?" after "Sở Y tế phải làm gì?" → "Sở Tài chính phải làm gì?";
"Văn bản đó do ai ký?" → the document the last answer cited; "Hà Nội thì sao?" → the last
question asked about Hà Nội's document.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from assistant.documents.textnorm import folded_key
from assistant.search.bodies import bodies_in_question
from assistant.types import Answer, Document, issuer_locality

_THAT_DOCUMENT_RE = re.compile(
    r"\b(?:văn bản|kế hoạch|kết luận|công văn|chỉ thị|nghị quyết|quyết định)\s+(?:đó|này|trên|ấy|vừa rồi)\b",
    re.IGNORECASE,
)
_WHAT_ABOUT_RE = re.compile(
    r"^\s*(?:(?:thế\s+|vậy\s+)?còn\s+)?(?P<what>.+?)\s+(?:thì\s+sao|thì\s+thế\s+nào|ra\s+sao|thế\s+nào)\s*\??\s*$",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class Turn:
    question: str
    answer: Answer


@dataclass(frozen=True)
class Resolved:
    question: str
    documents: tuple[str, ...] = ()  # doc_ids the question refers to through the history


def resolve(question: str, history: Sequence[Turn], documents: Sequence[Document]) -> Resolved:
    if not history:
        return Resolved(question)
    last = history[-1]
    previous = last.answer.resolved_question or last.question
    if _THAT_DOCUMENT_RE.search(question):
        cited = last.answer.documents
        if cited:
            by_id = {d.doc_id: d for d in documents}
            name = by_id[cited[0]].short_name if cited[0] in by_id else None
            rewritten = _THAT_DOCUMENT_RE.sub(name, question, count=1) if name else question
            return Resolved(rewritten, cited[:1])
    m = _WHAT_ABOUT_RE.match(question)
    if not m:
        return Resolved(question)
    what = m["what"].strip()
    new_bodies = bodies_in_question(what)
    old_bodies = bodies_in_question(previous)
    if new_bodies and old_bodies:
        return Resolved(_replace_folded(previous, old_bodies[0], what))
    if new_bodies:
        return Resolved(f"{what} phải làm gì?")
    place = _place_document(what, documents)
    if place:
        return Resolved(f"{_drop_places(previous, documents)} ({what})", (place,))
    return Resolved(f"{previous} — {what}")


def _replace_folded(text: str, old_key: str, new: str) -> str:
    """Replace the words of ``text`` whose folded form is ``old_key`` by ``new``."""
    words = text.split()
    size = len(old_key.split())
    for i in range(len(words) - size + 1):
        if folded_key(" ".join(words[i : i + size])).strip(" ?.,") == old_key:
            return " ".join([*words[:i], new, *words[i + size :]])
    return f"{new}: {text}"


def _place_document(what: str, documents: Sequence[Document]) -> str | None:
    key = folded_key(what)
    for d in documents:
        if d.issuer and key and key in folded_key(d.issuer) and d.doc_type != "Tin bài":
            return d.doc_id
    return None


def _drop_places(question: str, documents: Sequence[Document]) -> str:
    """The previous question without the place names that tied it to other documents."""
    out = question
    for d in documents:
        place = issuer_locality(d.issuer)
        if place:
            out = re.sub(rf"\b{re.escape(place)}\b(?:\s+và\s+)?", "", out)
    return " ".join(out.split())
