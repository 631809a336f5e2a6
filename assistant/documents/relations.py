"""What documents say about each other: "Quyết định này thay thế Quyết định số …",
"bãi bỏ Nghị quyết số …", "sửa đổi, bổ sung một số điều của Thông tư số …".

The Law on promulgating legal normative documents fixes these words for ending or
changing another document's force. A relation is kept with the clause that states
it, so an answer quoting the older document can say so and cite the newer one.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass

from assistant.documents.corpus import versions_message
from assistant.documents.textnorm import folded_key
from assistant.types import Chunk, Document, Statement

_TYPES = (
    "Bộ luật|Luật|Pháp lệnh|Nghị định|Nghị quyết|Thông tư liên tịch|Thông tư|Quyết định"
    "|Chỉ thị|Kế hoạch|Quy định|Quy chế|Hướng dẫn|Công văn|Chương trình|Đề án"
)
# The verb, then (within the same sentence) the type and số hiệu of the older document.
# Only what "this document" does counts: "Quyết định này … thay thế …"; a base that amends
# a third law ("Luật số 03/2022/QH15 sửa đổi, bổ sung …") is not a relation of ours.
RELATION_RE = re.compile(
    r"\b(?:" + _TYPES + r")\s+này\b[^.;]{0,160}?"
    r"(?P<verb>thay thế|bãi bỏ|sửa đổi, bổ sung|sửa đổi|hết hiệu lực)"
    r"(?P<between>[^.;:]{0,60}?)\b(?P<type>" + _TYPES + r")\s+(?:số\s*:?\s*)?"
    r"(?P<num>\d{1,5}(?:/\d{4})?\s*[/-]\s*[A-ZĐ][\wĐđ&]*(?:\s*[-/]\s*[A-ZĐ][\wĐđ&]*)*)",
    re.IGNORECASE,
)
_VERB_NAMES = {
    "thay thế": "thay thế",
    "bãi bỏ": "bãi bỏ",
    "hết hiệu lực": "bãi bỏ",
    "sửa đổi, bổ sung": "sửa đổi, bổ sung",
    "sửa đổi": "sửa đổi, bổ sung",
}


@dataclass(frozen=True)
class Relation:
    """``newer`` (a document of the corpus) replaces, repeals or amends ``older``."""

    kind: str  # "thay thế", "bãi bỏ", "sửa đổi, bổ sung"
    older: str  # số hiệu as written, spaces removed: "46/2024/NQ-HĐND"
    older_type: str
    newer_doc_id: str
    newer_name: str  # "Nghị quyết số 35/2025/NQ-HĐND ngày … của …"
    chunk_id: str
    label: str  # the full citation of the clause that says so


def number_key(number: str) -> str:
    return folded_key(re.sub(r"\s+", "", number))


def find_relations(documents: Iterable[Document], chunks: Iterable[Chunk]) -> tuple[Relation, ...]:
    """Every relation the corpus states, read from its chunks (index or parse)."""
    by_doc: dict[str, list[Chunk]] = {}
    for chunk in chunks:
        by_doc.setdefault(chunk.doc_id, []).append(chunk)
    return relations_by_document(documents, lambda doc_id: by_doc.get(doc_id, []))


def relations_by_document(
    documents: Iterable[Document], chunks_of: Callable[[str], Iterable[Chunk]]
) -> tuple[Relation, ...]:
    """The same, reading one document's chunks at a time (an index that keeps its chunks
    on disk need not hold them all at once)."""
    out: list[Relation] = []
    for doc in documents:
        own = number_key(doc.doc_number or "")
        for chunk in chunks_of(doc.doc_id):
            if chunk.clause_path and chunk.clause_path[0].startswith("mở đầu"):
                continue
            if chunk.metadata.get("kind") == "row":
                continue  # tables list bases and procedures, not what this document changes  # "Căn cứ …" names the bases, not what this document changes
            out.extend(_relations_in(chunk, own, doc.doc_id, doc.citation_name))
    return tuple(dict.fromkeys(out))


def _relations_in(chunk: Chunk, own: str, doc_id: str, name: str) -> list[Relation]:
    found = []
    for m in RELATION_RE.finditer(chunk.clean_text):
        number = re.sub(r"\s+", "", m["num"])
        if number_key(number) == own:
            continue
        found.append(
            Relation(
                kind=_VERB_NAMES[m["verb"].lower()],
                older=number,
                older_type=m["type"][0].upper() + m["type"][1:].lower(),
                newer_doc_id=doc_id,
                newer_name=name,
                chunk_id=chunk.id,
                label=chunk.label,
            )
        )
    return found


def validity_notes(
    doc_numbers: Iterable[str | None],
    relations: Iterable[Relation],
    versions: Mapping[str, Sequence[Document]] | None = None,
) -> tuple[Statement, ...]:
    """A note for each cited document that another document of the corpus replaces,
    repeals or amends: "Lưu ý: Quyết định số X đã được thay thế theo khoản 2 Điều 3 …",
    and for each số hiệu the corpus holds in differing versions."""
    by_older: dict[str, list[Relation]] = {}
    for rel in relations:
        by_older.setdefault(number_key(rel.older), []).append(rel)
    notes: list[Statement] = []
    seen: set[str] = set()
    for number in doc_numbers:
        if not number or number_key(number) in seen:
            continue
        seen.add(number_key(number))
        if versions and number in versions:
            notes.append(
                Statement("Lưu ý: " + versions_message(number, versions[number]), kind="note")
            )
        for rel in by_older.get(number_key(number), []):
            notes.append(
                Statement(
                    f"Lưu ý: {rel.older_type} số {rel.older} đã được {rel.kind} theo {rel.label}.",
                    kind="note",
                )
            )
    return tuple(notes)
