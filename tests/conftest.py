from __future__ import annotations

from pathlib import Path

import pytest

from assistant.answering.engine import Engine, open_engine
from assistant.documents.corpus import Corpus, load_corpus
from assistant.settings import Settings
from assistant.types import Chunk, ParsedDocument

ROOT = Path(__file__).resolve().parent.parent
CORPUS_DIR = ROOT / "corpus"


@pytest.fixture(autouse=True)
def _isolated_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Index and model caches written by a test go to tmp_path, never into the repo."""
    monkeypatch.setenv("ASSISTANT_INDEX_DIR", str(tmp_path / "index"))
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    monkeypatch.setenv("TRANSFORMERS_OFFLINE", "1")


@pytest.fixture(scope="session")
def corpus() -> Corpus:
    return load_corpus(CORPUS_DIR)


@pytest.fixture(scope="session")
def by_number(corpus: Corpus) -> dict[str, ParsedDocument]:
    return {p.document.doc_number or p.document.doc_type: p for p in corpus.documents}


@pytest.fixture(scope="session")
def engine(tmp_path_factory: pytest.TempPathFactory) -> Engine:
    """The real corpus behind the hashing fake embedder: answers without a model."""
    settings = Settings(
        corpus_dir=CORPUS_DIR,
        index_dir=tmp_path_factory.mktemp("engine") / "index",
        models_dir=ROOT / "models",
        embedding_model="hashing",
    )
    return open_engine(settings)


def chunk_by_label(parsed: ParsedDocument, clause_label: str) -> Chunk:
    matches = [c for c in parsed.chunks if c.clause_label == clause_label]
    labels = [c.clause_label for c in parsed.chunks]
    assert len(matches) == 1, f"{clause_label!r} not unique in {labels}"
    return matches[0]
