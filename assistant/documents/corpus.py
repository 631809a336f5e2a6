"""The corpus folder as parsed documents; one bad file never stops the rest."""

from __future__ import annotations

import dataclasses
import hashlib
import logging
import re
from dataclasses import dataclass
from pathlib import Path

from assistant.documents.chunking import CHUNKER_VERSION
from assistant.documents.parser import parse_text
from assistant.documents.readers import SourceText, read_corpus_files
from assistant.documents.textnorm import folded_key
from assistant.types import Chunk, ParsedDocument, SkippedFile

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


def load_corpus(folder: Path, *, max_bytes: int = 20 * 1024 * 1024) -> Corpus:
    sources, skipped = read_corpus_files(folder, max_bytes=max_bytes)
    documents: list[ParsedDocument] = []
    for source in sources:
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
        documents.append(parsed)
    return Corpus(tuple(documents), tuple(skipped))


def check(corpus: Corpus) -> list[str]:
    """Problems a maintainer should fix; empty when the corpus is sound."""
    problems = [f"{s.source}: bị bỏ qua — {s.reason}" for s in corpus.skipped]
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
            if d.doc_number in seen_numbers:
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
