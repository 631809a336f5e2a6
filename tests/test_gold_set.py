"""The dev gold set is sound against the real corpus: quotes verbatim, labels real, facts supported."""

from __future__ import annotations

import json
import re
import unicodedata
from collections import Counter
from pathlib import Path

import pytest

from assistant.documents.corpus import Corpus
from assistant.evaluation.gold import CATEGORIES, GoldError, GoldItem, GoldRef, load_gold
from assistant.types import Chunk, Document, ParsedDocument, format_vn_date
from tests.conftest import CORPUS_DIR, ROOT

DEV_PATH = ROOT / "eval" / "gold" / "dev.jsonl"
MIN_ITEMS = 85
UNANSWERABLE_SHARE = (0.12, 0.20)


@pytest.fixture(scope="module")
def items() -> list[GoldItem]:
    return load_gold(DEV_PATH)


def _key(text: str) -> str:
    """NFC with every run of whitespace as one space: line breaks in a source never hide a fact."""
    return re.sub(r"\s+", " ", unicodedata.normalize("NFC", text)).strip()


def _loose(text: str) -> str:
    """Also drops spaces around "-" and "/": the header "Số 17 -KH/TU" states "17-KH/TU"."""
    return re.sub(r"\s*([-/])\s*", r"\1", _key(text))


def _document(corpus: Corpus, ref: GoldRef) -> ParsedDocument | None:
    for parsed in corpus.documents:
        d = parsed.document
        if ref.doc_number is not None and d.doc_number == ref.doc_number:
            return parsed
        if ref.doc_number is None and d.doc_number is None and d.source == ref.source:
            return parsed
    return None


def _chunks(corpus: Corpus, ref: GoldRef) -> list[Chunk]:
    parsed = _document(corpus, ref)
    return [] if parsed is None else [c for c in parsed.chunks if c.clause_label == ref.clause]


def _metadata_values(document: Document, fields: tuple[str, ...]) -> list[str]:
    """The values a metadata answer is built from, as the assistant renders them."""
    values: list[str] = []
    for name in fields:
        if name == "date" and document.date:
            values += [format_vn_date(document.date), document.date.strftime("%d/%m/%Y")]
        elif name == "signer" and document.signer:
            s = document.signer
            values += [v for v in (s.name, s.title, s.display_title) if v]
        elif name == "implements":
            values += list(document.implements)
        elif name == "copy_stamp" and document.copy_stamp:
            stamp = document.copy_stamp
            values += [v for v in (stamp.kind, stamp.number, stamp.issuer, stamp.place) if v]
            if stamp.date:
                values.append(format_vn_date(stamp.date))
            if stamp.signer:
                values += [v for v in (stamp.signer.name, stamp.signer.title) if v]
        elif name in ("doc_number", "doc_type", "issuer", "place", "title"):
            value = getattr(document, name)
            if value:
                values.append(value)
    return values


def test_file_loads_with_enough_items(items: list[GoldItem]) -> None:
    assert len(items) >= MIN_ITEMS


def test_ids_are_unique(items: list[GoldItem]) -> None:
    duplicates = [i for i, n in Counter(item.id for item in items).items() if n > 1]
    assert not duplicates


def test_every_category_is_present(items: list[GoldItem]) -> None:
    assert set(CATEGORIES) <= {item.category for item in items}


def test_unanswerable_share(items: list[GoldItem]) -> None:
    share = sum(not item.answerable for item in items) / len(items)
    low, high = UNANSWERABLE_SHARE
    assert low <= share <= high, f"{share:.1%} unanswerable"


def test_evidence_quotes_are_verbatim(items: list[GoldItem]) -> None:
    texts: dict[str, str] = {}
    problems = []
    for item in items:
        for ev in item.evidence:
            path = CORPUS_DIR / ev.source
            if ev.source not in texts:
                texts[ev.source] = path.read_text(encoding="utf-8") if path.is_file() else ""
            if ev.quote not in texts[ev.source]:
                problems.append(f"{item.id}: not in {ev.source}: {ev.quote!r}")
    assert not problems, "\n".join(problems)


def test_gold_clauses_name_exactly_one_chunk(items: list[GoldItem], corpus: Corpus) -> None:
    problems = []
    for item in items:
        for ref in item.gold:
            parsed = _document(corpus, ref)
            if parsed is None:
                problems.append(f"{item.id}: no document {ref.doc_number or ref.source}")
                continue
            if ref.source and ref.source != parsed.document.source:
                problems.append(f"{item.id}: {ref.doc_number} is not in {ref.source}")
            found = len(_chunks(corpus, ref))
            if found != 1:
                problems.append(f"{item.id}: {ref.clause!r} names {found} chunks")
    assert not problems, "\n".join(problems)


def test_evidence_lies_inside_a_gold_clause(items: list[GoldItem], corpus: Corpus) -> None:
    problems = []
    for item in items:
        if not item.gold:
            continue
        spans = [
            (c.source, c.clause_start, c.clause_end)
            for ref in item.gold
            for c in _chunks(corpus, ref)
        ]
        for ev in item.evidence:
            text = (CORPUS_DIR / ev.source).read_text(encoding="utf-8")
            starts = [m.start() for m in re.finditer(re.escape(ev.quote), text)]
            inside = any(
                source == ev.source and lo <= s and s + len(ev.quote) <= hi
                for s in starts
                for source, lo, hi in spans
            )
            if not inside:
                problems.append(f"{item.id}: outside its gold clauses: {ev.quote[:60]!r}")
    assert not problems, "\n".join(problems)


def test_facts_are_supported(items: list[GoldItem], corpus: Corpus) -> None:
    by_source = {p.document.source: p.document for p in corpus.documents}
    problems = []
    for item in items:
        if not item.answerable:
            continue
        support = [ev.quote for ev in item.evidence]
        support += [c.text for ref in item.gold for c in _chunks(corpus, ref)]
        strict = [_key(s) for s in support]
        loose: list[str] = []
        if item.metadata_fields:
            sources = {ev.source for ev in item.evidence}
            sources |= {p.document.source for ref in item.gold if (p := _document(corpus, ref))}
            for source in sources:
                if source in by_source:
                    doc = by_source[source]
                    loose.append(_loose(doc.text))
                    loose += [_loose(v) for v in _metadata_values(doc, item.metadata_fields)]
        for fact in item.facts:
            if not any(_key(fact) in s for s in strict) and not any(
                _loose(fact) in s for s in loose
            ):
                problems.append(f"{item.id}: fact {fact!r} not in its evidence or gold clauses")
    assert not problems, "\n".join(problems)


def test_every_document_is_covered(items: list[GoldItem], corpus: Corpus) -> None:
    covered = {ev.source for item in items for ev in item.evidence}
    covered |= {
        p.document.source for item in items for ref in item.gold if (p := _document(corpus, ref))
    }
    assert {p.document.source for p in corpus.documents} <= covered


def test_load_gold_names_the_malformed_line(tmp_path: Path, items: list[GoldItem]) -> None:
    good = items[0].model_dump_json()
    path = tmp_path / "bad.jsonl"
    path.write_text(f"{good}\n\n{good[:-1]}\n", encoding="utf-8")
    with pytest.raises(GoldError, match=r"bad\.jsonl:3: not valid JSON"):
        load_gold(path)
    wrong = json.loads(good) | {"answerable": False}
    path.write_text(f"{good}\n{json.dumps(wrong, ensure_ascii=False)}\n", encoding="utf-8")
    with pytest.raises(GoldError, match=r"bad\.jsonl:2: invalid gold item"):
        load_gold(path)
