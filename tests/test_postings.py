"""BM25 read from disk (``stores/postings.py``) scores exactly as bm25s does in memory."""

from __future__ import annotations

from pathlib import Path

import bm25s
import numpy as np

from assistant.answering.engine import ensure_index
from assistant.search.embedder import HashingEmbedder
from assistant.search.lexical import tokenize, with_synonyms
from assistant.search.stores.embedded import EmbeddedStore
from assistant.search.stores.postings import PostingsReader
from assistant.settings import Settings
from tests.conftest import CORPUS_DIR, ROOT

QUESTIONS = (
    "Sở Y tế phải làm gì?",
    "kinh phí thực hiện kế hoạch",
    "UBND quận Kiến An được giao gì theo công văn 1416",
    "từ không có trong kho: xylophone",
)


def test_scores_from_disk_equal_bm25s_in_memory(tmp_path: Path) -> None:
    settings = Settings(
        corpus_dir=CORPUS_DIR,
        index_dir=tmp_path / "index",
        models_dir=ROOT / "models",
        embedding_model="hashing",
    )
    index, _ = ensure_index(settings, HashingEmbedder())
    store = index.store
    assert isinstance(store, EmbeddedStore) and isinstance(index.path, Path)
    in_memory = bm25s.BM25.load(str(index.path / "bm25"), show_progress=False)
    reader = PostingsReader(index.path / "bm25", len(index.chunks))
    allowed = np.ones(len(index.chunks), dtype=bool)
    for question in QUESTIONS:
        terms = tokenize(with_synonyms(question))
        ids = in_memory.get_tokens_ids(terms)
        expected = in_memory.get_scores_from_ids(ids)
        assert np.array_equal(reader.scores(ids), expected)
        best = np.argsort(-expected, kind="stable")[:10]
        found = store.lexical_positions(terms, 10, allowed)
        assert [s for _, s in found] == [float(expected[i]) for i in best if expected[i] > 0]
