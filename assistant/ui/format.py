"""Pure formatting for the app: no Streamlit here, so it is tested directly."""

from __future__ import annotations

import datetime as dt
import html
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from assistant.answering.conversation import Turn
from assistant.documents.textnorm import folded_key
from assistant.types import Answer, Chunk, Citation, Document

_MARKDOWN_SPECIAL = re.compile(r"([\\`*_{}\[\]<>#|~$])")
# The engine's messages carry an English gloss for the log: "(file too large)", "/ Unknown …".
_GLOSS = re.compile(r"\s*\((?=[^)]*[a-z])[\x20-\x28\x2a-\x7e]*\)")


def vietnamese(message: str) -> str:
    """An engine message without its English gloss in parentheses or after ' / '."""
    return _GLOSS.sub("", message.split(" / ")[0]).strip()


def vn_date(date: dt.date | None) -> str:
    """dd/mm/yyyy, or a dash when the document has no date."""
    return date.strftime("%d/%m/%Y") if date else "—"


def escape_markdown(text: str) -> str:
    """Source text shown as itself: no emphasis, links, HTML or LaTeX from stray symbols."""
    return _MARKDOWN_SPECIAL.sub(r"\\\1", text)


def highlighted_clause(document: Document, citation: Citation) -> str:
    """The whole clause as HTML with the quoted span in ``<mark>``; the source is escaped first.

    Newlines become ``<br>`` so the block stays one HTML line that Markdown leaves alone.
    """
    lo = min(citation.clause_start, citation.start)
    hi = max(citation.clause_end, citation.end)
    parts = (
        html.escape(document.text[lo : citation.start]),
        f"<mark>{html.escape(document.text[citation.start : citation.end])}</mark>",
        html.escape(document.text[citation.end : hi]),
    )
    body = "".join(parts).strip().replace("\r", "").replace("\n", "<br>")
    return f'<div style="line-height:1.6">{body}</div>'


def conversation_markdown(turns: Sequence[Turn]) -> str:
    """The conversation as Markdown, each answer followed by its citations (label + quote)."""
    lines = ["# Hội thoại với Trợ lý văn bản chỉ đạo", ""]
    for i, turn in enumerate(turns, 1):
        lines += [f"## Câu hỏi {i}: {turn.question}", "", turn.answer.text, ""]
        if turn.answer.citations:
            lines += ["**Trích dẫn**", ""]
            lines += [f"[{c.number}] {c.label}: “{c.quote}”" + "  " for c in turn.answer.citations]
            lines.append("")
    return "\n".join(lines)


@dataclass(frozen=True)
class Relation:
    """One document carrying out another: ``document`` implements ``implemented``."""

    document: str  # số hiệu
    implemented: str


def relations(documents: Iterable[Document]) -> list[Relation]:
    """Who implements whom, from each document's ``implements`` and what its references say.

    An edge that a longer chain already explains is dropped (164/KH-UBND implements both
    140-KH/TU and 44-KL/TW, but the chain reads 44-KL/TW → 140-KH/TU → 164/KH-UBND).
    """
    edges: set[tuple[str, str]] = set()
    for d in documents:
        if d.doc_number:
            edges.update((d.doc_number, target) for target in d.implements)
        for ref in d.references:
            edges.update((ref.number, target) for target in ref.implements)
    edges = {(a, b) for a, b in edges if a != b}
    parents: dict[str, set[str]] = {}
    for a, b in edges:
        parents.setdefault(a, set()).add(b)

    def reachable(start: str, skip: tuple[str, str]) -> set[str]:
        seen: set[str] = set()
        todo = [start]
        while todo:
            node = todo.pop()
            for nxt in parents.get(node, ()):
                if (node, nxt) != skip and nxt not in seen:
                    seen.add(nxt)
                    todo.append(nxt)
        return seen

    direct = [(a, b) for a, b in edges if b not in reachable(a, (a, b))]

    def depth(node: str, seen: frozenset[str] = frozenset()) -> int:
        above = [p for p in parents.get(node, ()) if p not in seen]
        return 1 + max((depth(p, seen | {node}) for p in above), default=-1)

    # The chain reads top-down: what the Trung ương issued first, then who carries it out.
    return [Relation(a, b) for a, b in sorted(direct, key=lambda e: (depth(e[0]), e[1], e[0]))]


def relations_dot(found: Sequence[Relation], in_corpus: Iterable[str]) -> str:
    """A Graphviz chart, arrows from the implemented document to the one carrying it out;
    documents in the corpus are filled, the ones only named are dashed."""
    present = set(in_corpus)
    nodes = sorted({r.document for r in found} | {r.implemented for r in found})
    lines = [
        "digraph quan_he {",
        "  rankdir=LR;",
        '  node [shape=box, style="rounded,filled", fontname="Helvetica", fillcolor="#e8f0fe"];',
    ]
    for n in nodes:
        style = "" if n in present else ' [style="rounded,dashed", fillcolor="white"]'
        lines.append(f'  "{n}"{style};')
    lines += [f'  "{r.implemented}" -> "{r.document}";' for r in found]
    lines.append("}")
    return "\n".join(lines)


def matches_body(name: str, query: str) -> bool:
    """Accent- and case-insensitive search: "so y te" finds "Sở Y tế"."""
    wanted = folded_key(query)
    return not wanted or wanted in folded_key(name)


def _squashed(text: str) -> str:
    return " ".join(folded_key(text).split())


def quoted_in_answer(answer: Answer, citation: Citation) -> bool:
    """Whether a statement of the answer already holds the citation's quote, so the card
    need not repeat it."""
    quote = _squashed(citation.quote)
    return bool(quote) and any(quote in _squashed(s.text) for s in answer.statements)


OCR_NOTE = (
    "Văn bản này được đọc từ bản quét bằng nhận dạng ký tự (OCR): chữ trích dẫn có thể sai "
    "dấu hoặc sai chữ, hãy đối chiếu bản gốc trước khi sử dụng."
)


def ocr_note(document: Document) -> str | None:
    """The warning a quote from a scanned document carries (its text was read by OCR)."""
    return OCR_NOTE if document.ocr else None


def short_quote(quote: str, limit: int = 280) -> str:
    """The quote on one line, cut at a word before ``limit`` characters; the whole clause
    stays one click away."""
    text = " ".join(quote.split())
    if len(text) <= limit:
        return text
    return text[:limit].rsplit(" ", 1)[0] + " …"


def heading_and_text(chunk: Chunk) -> tuple[str | None, str]:
    """The clause's own heading ("5. Sở Tài chính") and its text without that heading, so a
    card never runs them together ("5. Sở Tài chính Trên cơ sở …")."""
    text = chunk.clean_text.strip()
    heading = chunk.breadcrumb[-1] if chunk.breadcrumb else None
    if heading and text.startswith(heading):
        return heading, text[len(heading) :].strip()
    return None, text


def wrapped_row_height(rows: Sequence[dict[str, str]], chars_per_line: int = 55) -> int | None:
    """A row height (pixels) at which the data grid shows every cell of ``rows`` in full, or
    None when one line is enough: the grid wraps text only in rows taller than 64 px, and
    never grows a row by itself."""
    longest = max((len(str(v)) for row in rows for v in row.values()), default=0)
    lines = -(-longest // chars_per_line)
    return None if lines <= 1 else max(70, 22 * lines + 8)
