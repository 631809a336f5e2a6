"""Building in batches (``search/ingest.py``): an interrupted build leaves the live index
as it was, and the next build embeds only the batches the first did not finish."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from assistant.documents.corpus import Corpus, load_corpus
from assistant.errors import IndexMismatchError
from assistant.search.embedder import HashingEmbedder
from assistant.search.index import LoadedIndex, build_index, expected_manifest, load_index
from assistant.search.ingest import CHECKPOINT, BuildObserver, BuildStatus, EmbeddingCheckpoint
from tests.conftest import CORPUS_DIR

BATCH = 8


class CountingEmbedder(HashingEmbedder):
    """The hashing fake, counting what it embeds; stops (as Ctrl-C does) after
    ``fail_after`` batches when given."""

    def __init__(self, fail_after: int | None = None) -> None:
        super().__init__()
        self.batches = 0
        self.embedded = 0
        self.fail_after = fail_after

    def encode_documents(self, texts: Sequence[str]) -> np.ndarray:
        if self.fail_after is not None and self.batches >= self.fail_after:
            raise KeyboardInterrupt
        self.batches += 1
        self.embedded += len(texts)
        return super().encode_documents(texts)


@pytest.fixture(scope="module")
def corpus() -> Corpus:
    return load_corpus(CORPUS_DIR)


def build(corpus: Corpus, root: Path, embedder: HashingEmbedder, **kwargs: Any) -> LoadedIndex:
    expected = expected_manifest(embedder.model_id, CORPUS_DIR)
    return build_index(corpus, embedder, root, expected, batch_size=BATCH, **kwargs)


def test_an_interrupted_build_resumes_with_the_batches_it_embedded(
    tmp_path: Path, corpus: Corpus
) -> None:
    reference = build(corpus, tmp_path / "reference", CountingEmbedder())
    distinct = len({c.id for c in reference.chunks})
    root = tmp_path / "index"
    with pytest.raises(KeyboardInterrupt):
        build(corpus, root, CountingEmbedder(fail_after=3))
    with pytest.raises(IndexMismatchError):  # nothing half-written is taken for an index
        load_index(root, {})
    saved = EmbeddingCheckpoint(root / CHECKPOINT).load(HashingEmbedder().model_id)
    assert len(saved) == 3 * BATCH

    resumed_by = CountingEmbedder()
    resumed = build(corpus, root, resumed_by)
    assert resumed_by.embedded == resumed.manifest.n_chunks - resumed.manifest.reused_vectors
    assert resumed.manifest.reused_vectors >= 3 * BATCH
    assert resumed_by.embedded <= distinct - 3 * BATCH
    assert not (root / CHECKPOINT).exists()
    assert resumed.chunks == reference.chunks
    assert np.allclose(
        resumed.vectors.reconstruct_n(0, len(reference.chunks)),
        reference.vectors.reconstruct_n(0, len(reference.chunks)),
    )
    again = load_index(root, expected_manifest(HashingEmbedder().model_id, CORPUS_DIR))
    assert again.chunks == reference.chunks
    some = reference.chunks[17]
    assert again.chunks_by_id[some.id] == some and again.position(some.id) == 17
    assert again.position("no-such-chunk") is None and "no-such-chunk" not in again.chunks_by_id


def test_an_interrupted_rebuild_keeps_the_live_index(tmp_path: Path, corpus: Corpus) -> None:
    root = tmp_path / "index"
    built = build(corpus, root, CountingEmbedder())
    chunks = list(built.chunks)
    with pytest.raises(KeyboardInterrupt):
        build(corpus, root, CountingEmbedder(fail_after=1), force=True)
    assert load_index(root, {}).chunks == chunks


def test_progress_reports_documents_chunks_rate_and_time_left(
    tmp_path: Path, corpus: Corpus
) -> None:
    seen: list[BuildStatus] = []
    build(corpus, tmp_path / "index", CountingEmbedder(), progress=BuildObserver(seen.append))
    first, last = seen[0], seen[-1]
    assert first.embedded == 0 and first.documents == len(corpus.documents)
    assert last.documents_done == last.documents and last.chunks_done == last.chunks
    assert last.embedded == last.to_embed and last.passages_per_s > 0
    assert [s.documents_done for s in seen] == sorted(s.documents_done for s in seen)
    assert "văn bản" in seen[1].describe() and "đoạn/giây" in seen[1].describe()
    assert "còn khoảng" in seen[1].describe()
