"""The corpus folder as parsed documents; one bad file never stops the rest."""

from __future__ import annotations

import dataclasses
import hashlib
import logging
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from assistant.documents.chunking import CHUNKER_VERSION, chunk_id, with_unique_ids
from assistant.documents.parser import parse_text
from assistant.documents.readers import SourceText, duplicate_reason, read_corpus_files
from assistant.documents.textnorm import folded_key
from assistant.types import Chunk, Document, ParsedDocument, SkippedFile

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Corpus:
    documents: tuple[ParsedDocument, ...]
    skipped: tuple[SkippedFile, ...]

    @property
    def chunks(self) -> tuple[Chunk, ...]:
        return tuple(c for d in self.documents for c in d.chunks)

    @property
    def corpus_hash(self) -> str:
        """Changes when any source text or the chunker changes; the index manifest records it."""
        h = hashlib.sha256(f"chunker={CHUNKER_VERSION}\n".encode())
        for parsed in self.documents:
            h.update(parsed.document.source.encode("utf-8") + b"\0")
            h.update(hashlib.sha256(parsed.document.text.encode("utf-8")).digest())
        return h.hexdigest()[:16]

    def versions_of(self, doc_number: str) -> tuple[ParsedDocument, ...]:
        """Every full text numbered ``doc_number`` when their bodies differ, else ``()``.

        Two files with one số hiệu and different bodies ("2,5%" in one, "3,5%" in the other)
        are both kept; an answer citing one can say that another version exists.
        """
        found = versions([p.document for p in self.documents]).get(doc_number, ())
        ids = {d.doc_id for d in found}
        return tuple(p for p in self.documents if p.document.doc_id in ids)

    def find(self, ref: str) -> ParsedDocument | None:
        """A document by id, số hiệu, file name, or a loose mention: "164", "KH 17", "kết luận 44"."""
        wanted = folded_key(ref)
        for parsed in self.documents:
            d = parsed.document
            names = [d.doc_id, d.source, Path(d.source).stem, d.doc_number or ""]
            if any(wanted == folded_key(n) for n in names if n):
                return parsed
        for parsed in self.documents:
            d = parsed.document
            if folded_key(d.source).startswith(wanted) or wanted == folded_key(d.doc_type):
                return parsed
        digits = re.findall(r"\d+", ref)
        words = set(re.findall(r"[a-z]+", wanted))
        candidates = []
        for parsed in self.documents:
            d = parsed.document
            if d.doc_number and digits and d.doc_number.split("/")[0].split("-")[0] == digits[0]:
                type_words = set(folded_key(d.doc_type).split()) | set(
                    folded_key(d.doc_number).split("-")
                )
                candidates.append((len(words & type_words), parsed))
        if candidates:
            candidates.sort(key=lambda pair: -pair[0])
            return candidates[0][1]
        return None


def parse_source(source: SourceText) -> ParsedDocument:
    parsed = parse_text(source.source, source.text, source.format)
    if source.ocr:  # spans index the OCR text as any text; readers and UI may say it is OCR
        parsed = dataclasses.replace(
            parsed, document=dataclasses.replace(parsed.document, ocr=True)
        )
    return parsed


def load_corpus(
    folder: Path,
    *,
    max_bytes: int = 20 * 1024 * 1024,
    allowed_dirs: Sequence[Path] = (),
    progress: Callable[[int, int], None] | None = None,
) -> Corpus:
    """Parse every readable file of ``folder``; links outside it (and ``allowed_dirs``) are
    refused, and a copy (the same text, or the same số hiệu and body in another format) is
    read once. ``progress(n, N)`` is called before each file is parsed (for the app's bar)."""
    sources, skipped = read_corpus_files(folder, max_bytes=max_bytes, allowed_dirs=allowed_dirs)
    documents: list[ParsedDocument] = []
    first_with_body: dict[tuple[str, str], str] = {}  # (số hiệu, body) → the file kept
    for n, source in enumerate(sources):
        if progress:
            progress(n, len(sources))
        try:
            parsed = parse_source(source)
        except Exception as exc:  # a parser bug on one odd file must not lose the others
            log.exception("could not parse %s", source.source)
            skipped.append(
                SkippedFile(source.source, f"không phân tích được cấu trúc (parse error: {exc})")
            )
            continue
        d = parsed.document
        if not parsed.chunks and not (d.doc_number or (d.issuer and d.date)):
            # a header or a summary alone is kept: its số hiệu, date and issuer are citable
            skipped.append(
                SkippedFile(source.source, "không có nội dung để trích dẫn (no citable text)")
            )
            continue
        body = body_key(d)
        if d.doc_number and body:
            first = first_with_body.setdefault((d.doc_number, body), d.source)
            if first != d.source:  # the same document saved twice, e.g. as .docx and .txt
                skipped.append(SkippedFile(d.source, duplicate_reason(first)))
                continue
        if any(p.document.doc_id == d.doc_id for p in documents):
            parsed = _own_id(parsed)  # another version of a số hiệu: ids must not collide
        documents.append(parsed)
    return Corpus(tuple(documents), tuple(skipped))


def _own_id(parsed: ParsedDocument) -> ParsedDocument:
    """The same document under an id of its own, derived from its text ("17-KH-TU~1a2b3c4d")."""
    d = parsed.document
    doc_id = f"{d.doc_id}~{hashlib.sha1(d.text.encode('utf-8')).hexdigest()[:8]}"
    chunks = with_unique_ids(
        [
            dataclasses.replace(c, doc_id=doc_id, id=chunk_id(doc_id, c.clause_path, c.clean_text))
            for c in parsed.chunks
        ]
    )
    return dataclasses.replace(
        parsed, document=dataclasses.replace(d, doc_id=doc_id), chunks=chunks
    )


def body_key(document: Document) -> str:
    """The document's body with whitespace collapsed; empty for a header-only page."""
    return " ".join(document.text[document.body_start : document.body_end].split())


def versions(documents: Iterable[Document]) -> dict[str, tuple[Document, ...]]:
    """Số hiệu → the full texts carrying it, for every số hiệu whose full texts differ.

    A header-only page beside its full text is not another version; neither is the same
    body saved twice. Works on ``Corpus`` documents and on an index's ``documents`` alike.
    """
    by_number: dict[str, dict[str, Document]] = {}
    for d in documents:
        body = body_key(d)
        if d.doc_number and body:
            by_number.setdefault(d.doc_number, {}).setdefault(body, d)
    return {n: tuple(b.values()) for n, b in by_number.items() if len(b) > 1}


def other_versions(document: Document, documents: Iterable[Document]) -> tuple[Document, ...]:
    """The other full texts sharing ``document``'s số hiệu with a different body (for answers)."""
    if not document.doc_number:
        return ()
    found = versions(documents).get(document.doc_number, ())
    return tuple(d for d in found if d.doc_id != document.doc_id)


def versions_message(doc_number: str, found: Sequence[Document]) -> str:
    """One sentence for a report or an answer: which files hold which version."""
    names = ", ".join(d.source for d in found)
    return (
        f"Số hiệu {doc_number} có {len(found)} phiên bản với nội dung khác nhau ({names}); "
        "hãy kiểm tra bản nào đang có hiệu lực."
    )


def check(corpus: Corpus) -> list[str]:
    """Problems a maintainer should fix; empty when the corpus is sound."""
    problems = [f"{s.source}: bị bỏ qua — {s.reason}" for s in corpus.skipped]
    differing = versions(p.document for p in corpus.documents)
    problems += [versions_message(n, found) for n, found in differing.items()]
    seen_numbers: dict[str, str] = {}
    seen_ids: set[str] = set()
    for parsed in corpus.documents:
        d = parsed.document
        name = d.source
        if d.doc_type != "Tin bài":
            for field, value in (
                ("số hiệu", d.doc_number),
                ("cơ quan ban hành", d.issuer),
                ("ngày ban hành", d.date),
            ):
                if value is None:
                    problems.append(f"{name}: không xác định được {field}")
        elif d.issuer is None:
            problems.append(f"{name}: không xác định được nguồn tin")
        if d.doc_number:
            if d.doc_number in seen_numbers and d.doc_number not in differing:
                problems.append(
                    f"{name}: trùng số hiệu {d.doc_number} với {seen_numbers[d.doc_number]}"
                )
            seen_numbers[d.doc_number] = name
        for chunk in parsed.chunks:
            if d.text[chunk.start : chunk.end] != chunk.text:
                problems.append(
                    f"{name}: đoạn {chunk.clause_label} lệch vị trí trong văn bản nguồn"
                )
            if chunk.id in seen_ids:
                problems.append(f"{name}: trùng mã đoạn {chunk.id} ({chunk.clause_label})")
            seen_ids.add(chunk.id)
    return problems
