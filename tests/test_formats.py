"""A real directive rebuilt as .docx and .pdf parses to the same document and clauses."""

from __future__ import annotations

from pathlib import Path

import pytest

from assistant.documents.corpus import load_corpus, parse_source
from assistant.documents.readers import read_source
from assistant.types import ParsedDocument
from tests.builders import make_docx, make_pdf
from tests.conftest import CORPUS_DIR

SOURCES = ["002_0c09ccc583a5c28d.txt", "004_97737e9f94bc6ec3.txt"]


def _signature(parsed: ParsedDocument) -> tuple[object, ...]:
    d = parsed.document
    return (
        d.doc_number,
        d.doc_type,
        d.issuer,
        d.date,
        d.signer.name if d.signer else None,
        d.implements,
        tuple((c.clause_label, " ".join(c.clean_text.split())) for c in parsed.chunks),
    )


@pytest.mark.parametrize("name", SOURCES)
@pytest.mark.parametrize("fmt", ["docx", "pdf"])
def test_rebuilt_document_parses_the_same(tmp_path: Path, name: str, fmt: str) -> None:
    original = parse_source(read_source(CORPUS_DIR / name))
    lines = original.document.text.split("\n")
    path = tmp_path / f"{Path(name).stem}.{fmt}"
    (make_docx if fmt == "docx" else make_pdf)(lines, path)
    rebuilt = parse_source(read_source(path))
    assert rebuilt.document.format == fmt
    assert _signature(rebuilt) == _signature(original)
    for chunk in rebuilt.chunks:
        assert rebuilt.document.text[chunk.start : chunk.end] == chunk.text


def test_broken_files_are_skipped_and_the_rest_load(tmp_path: Path) -> None:
    for name in SOURCES:
        (tmp_path / name).write_bytes((CORPUS_DIR / name).read_bytes())
    (tmp_path / "empty.txt").write_bytes(b"")
    (tmp_path / "junk.pdf").write_bytes(b"%PDF-1.4 garbage")
    (tmp_path / "bad.docx").write_bytes(b"not a zip")
    (tmp_path / "latin1.txt").write_bytes(b"Quy\xe9t \xf0inh")
    corpus = load_corpus(tmp_path)
    assert [p.document.source for p in corpus.documents] == SOURCES
    reasons = {s.source: s.reason for s in corpus.skipped}
    assert set(reasons) == {"empty.txt", "junk.pdf", "bad.docx", "latin1.txt"}
    assert all(reasons.values())
