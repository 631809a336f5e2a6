"""Load everything once: settings → model → index (rebuilt when stale) → searcher.

The CLI, the app and the answerer all open the same ``Engine``.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from assistant.answering.abstain import AbstentionModel
from assistant.answering.compose import Composer
from assistant.answering.responsibility import ResponsibilityIndex
from assistant.documents.corpus import load_corpus, versions
from assistant.documents.relations import Relation, relations_by_document
from assistant.errors import AssistantError, IndexBusyError, IndexMismatchError, IndexWriteError
from assistant.search.embedder import Embedder, get_embedder
from assistant.search.index import LoadedIndex, Progress, build_index, expected_manifest, load_index
from assistant.search.ingest import CHECKPOINT
from assistant.search.retrieval import HybridSearcher
from assistant.search.stores import store_location
from assistant.settings import Settings
from assistant.types import Document, SkippedFile

SERVER_CHECKPOINT = f"server-{CHECKPOINT}"  # under index_dir: a server store's unfinished build
log = logging.getLogger(__name__)
Notify = Callable[[str], None]


@dataclass(frozen=True)
class Engine:
    settings: Settings
    embedder: Embedder
    index: LoadedIndex
    searcher: HybridSearcher
    composer: Composer
    skipped: tuple[SkippedFile, ...] = ()
    relations: tuple[Relation, ...] = ()  # which documents replace or amend which
    versions: dict[str, tuple[Document, ...]] = field(default_factory=dict)  # số hiệu → texts


def ensure_index(
    settings: Settings,
    embedder: Embedder,
    *,
    rebuild: bool = False,
    force: bool = False,
    notify: Notify | None = None,
    progress: Progress | None = None,
    parsing: Progress | None = None,
) -> tuple[LoadedIndex, tuple[SkippedFile, ...]]:
    """The current index, building or rebuilding it when missing, stale or damaged.
    ``force`` re-embeds every chunk; ``parsing(n, N)`` and ``progress(n, N)`` report the
    files read and the chunks embedded during a build. A build that cannot write (read-only, disk full,
    another build holding the lock) leaves the old index serving, with a warning."""
    say = notify or log.info
    path = store_location(settings.store, settings.index_dir)
    expected = expected_manifest(embedder.model_id, settings.corpus_dir)
    # An app instance reading a shared server without a corpus folder trusts the stored
    # text (checked against its recorded hashes when read); only a build writes.
    shared_reader = not isinstance(path, Path) and not settings.corpus_dir.is_dir()
    if shared_reader:
        expected.pop("corpus_fingerprint")
    if not (rebuild or force):
        try:
            index = load_index(path, expected)
            return index, tuple(SkippedFile(*item) for item in index.manifest.skipped.items())
        except IndexMismatchError as exc:
            if shared_reader:
                raise
            say(f"{exc} Đang xây dựng lại chỉ mục… (rebuilding the index)")
    if not settings.corpus_dir.is_dir():
        raise AssistantError(
            f"Không tìm thấy thư mục văn bản: {settings.corpus_dir} (corpus folder not found)"
        )
    corpus = load_corpus(
        settings.corpus_dir,
        max_bytes=settings.max_file_bytes,
        allowed_dirs=settings.allowed_dirs,
        progress=parsing,
    )
    for skipped in corpus.skipped:
        say(f"Bỏ qua {skipped.source}: {skipped.reason}")
    if not corpus.chunks:
        raise AssistantError(
            f"Thư mục {settings.corpus_dir} chưa có văn bản nào trích dẫn được; hãy chép tệp "
            ".txt, .md, .docx, .pdf hoặc .html vào đó (no citable document in the corpus folder)."
        )
    try:
        # A server store's build keeps its embedded batches in a local file, as the
        # embedded index does in its folder: an interrupted build resumes from them.
        checkpoint = None if isinstance(path, Path) else settings.index_dir / SERVER_CHECKPOINT
        if checkpoint is not None:
            checkpoint.parent.mkdir(parents=True, exist_ok=True)
        index = build_index(
            corpus,
            embedder,
            path,
            expected,
            progress=progress,
            force=force,
            notify=say,
            checkpoint=checkpoint,
        )
    except (IndexWriteError, IndexBusyError) as exc:
        try:
            old = load_index(path, {})
        except AssistantError:
            raise exc from None
        say(f"{exc} Cảnh báo: đang dùng chỉ mục cũ, có thể chưa khớp kho văn bản (stale index).")
        return old, corpus.skipped
    say(
        f"Đã xây dựng chỉ mục: {index.manifest.n_documents} văn bản, {index.manifest.n_chunks} đoạn "
        f"({index.manifest.reused_vectors} vectơ dùng lại) trong {index.manifest.build_seconds:.1f} giây."
    )
    return index, corpus.skipped


def open_engine(
    settings: Settings | None = None,
    *,
    rebuild: bool = False,
    force: bool = False,
    notify: Notify | None = None,
    progress: Progress | None = None,
    parsing: Progress | None = None,
    embedder: Embedder | None = None,
) -> Engine:
    """``embedder``: one already loaded (the app re-opening after a document was added keeps
    its model instead of loading it again)."""
    settings = settings or Settings()
    embedder = embedder or get_embedder(settings.embedding_model, settings.models_dir)
    index, skipped = ensure_index(
        settings,
        embedder,
        rebuild=rebuild,
        force=force,
        notify=notify,
        progress=progress,
        parsing=parsing,
    )
    searcher = HybridSearcher(index, embedder)
    # The responsibility index is derived from the chunks, so it is rebuilt with every load.
    relations = relations_by_document(index.documents, index.chunks_of)
    composer = Composer(
        searcher,
        ResponsibilityIndex(index.chunks),
        AbstentionModel.load(),
        relations=relations,
    )
    differing = versions(index.documents)
    return Engine(settings, embedder, index, searcher, composer, skipped, relations, differing)
