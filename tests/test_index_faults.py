"""The index under faults (issue 14): damaged files, damaged vectors, forced rebuilds, two
builds at once, a crash between writing and switching, a read-only folder or a full disk.
Each case ends in a Vietnamese message and an index that answers as before, never a
traceback and never a lost index."""

from __future__ import annotations

import errno
import json
import os
import shutil
import sqlite3
from collections.abc import Sequence
from pathlib import Path

import faiss
import numpy as np
import pytest
from typer.testing import CliRunner

from assistant.answering.engine import ensure_index
from assistant.cli import app
from assistant.errors import IndexBusyError, IndexMismatchError, IndexWriteError
from assistant.search.embedder import HashingEmbedder
from assistant.search.index import LoadedIndex, expected_manifest, load_index
from assistant.search.lexical import tokenizer_id
from assistant.search.stores import embedded
from assistant.search.stores.embedded import CHECKSUMS, _files, _sha256, build_lock
from assistant.settings import Settings
from tests.conftest import CORPUS_DIR, ROOT


class CountingEmbedder(HashingEmbedder):
    def __init__(self) -> None:
        super().__init__()
        self.embedded = 0

    def encode_documents(self, texts: Sequence[str]) -> np.ndarray:
        self.embedded += len(texts)
        return super().encode_documents(texts)


def settings_for(tmp_path: Path, corpus: Path = CORPUS_DIR) -> Settings:
    return Settings(
        corpus_dir=corpus,
        index_dir=tmp_path / "index",
        models_dir=ROOT / "models",
        embedding_model="hashing",
    )


@pytest.fixture
def corpus_copy(tmp_path: Path) -> Path:
    folder = tmp_path / "corpus"
    shutil.copytree(CORPUS_DIR, folder)
    return folder


def reseal(folder: Path) -> None:
    """Recompute the checksums after a change: damage the checksums cannot see."""
    sums = {str(p.relative_to(folder)): _sha256(p) for p in _files(folder)}
    (folder / CHECKSUMS).write_text(json.dumps(sums), encoding="utf-8")


def rewrite_vectors(index: LoadedIndex, change: str) -> None:
    assert isinstance(index.path, Path)
    matrix = index.vectors.reconstruct_n(0, index.vectors.ntotal)
    if change == "nan":
        matrix[7, 3] = np.nan
    elif change == "zero":
        matrix[7] = 0
    elif change == "scaled":
        matrix[7] *= 3
    damaged = faiss.IndexFlatIP(matrix.shape[1])
    damaged.add(matrix)
    faiss.write_index(damaged, str(index.path / "vectors.faiss"))
    reseal(index.path)


@pytest.mark.parametrize(
    "damage",
    ["documents.json", "chunks.sqlite", "vectors.faiss", "bm25/vocab.index.json"],
)
def test_every_file_is_checked_at_open(tmp_path: Path, damage: str) -> None:
    built, _ = ensure_index(settings_for(tmp_path), HashingEmbedder())
    assert isinstance(built.path, Path)
    chunks = list(built.chunks)  # read before the damage: the store reads them on demand
    path = built.path / damage
    data = bytearray(path.read_bytes())
    data[len(data) // 2] ^= 0x01  # one flipped bit, which no parser would notice
    path.write_bytes(bytes(data))
    with pytest.raises(IndexMismatchError, match="tổng kiểm"):
        load_index(built.path, {})
    messages: list[str] = []
    rebuilt, _ = ensure_index(settings_for(tmp_path), HashingEmbedder(), notify=messages.append)
    assert "rebuilding" in messages[0] and rebuilt.chunks == chunks


def test_an_edited_figure_in_the_chunk_file_is_not_quoted(tmp_path: Path) -> None:
    """Finding 4: "2,5%" → "9,5%" in the index's chunk file made a verified "9,5%"."""
    built, _ = ensure_index(settings_for(tmp_path), HashingEmbedder())
    assert isinstance(built.path, Path)
    with sqlite3.connect(built.path / "chunks.sqlite") as db:
        rows = db.execute("SELECT pos, data FROM chunks").fetchall()
        db.executemany(
            "UPDATE chunks SET data = ? WHERE pos = ?",
            [(data.replace(b"2,5%", b"9,5%"), pos) for pos, data in rows],
        )
    reseal(built.path)  # even with matching checksums: the text no longer matches its source
    with pytest.raises(IndexMismatchError, match="không còn khớp"):
        load_index(built.path, {})
    documents = built.path / "documents.json"
    documents.write_text(documents.read_text(encoding="utf-8").replace("2,5%", "9,5%"), "utf-8")
    reseal(built.path)  # text and chunks changed together: the recorded content hash differs
    with pytest.raises(IndexMismatchError, match="khác bản đã ghi nhận"):
        load_index(built.path, {})
    rebuilt, _ = ensure_index(settings_for(tmp_path), HashingEmbedder())
    assert not any("9,5%" in c.text for c in rebuilt.chunks)
    assert any("2,5%" in c.text for c in rebuilt.chunks)


@pytest.mark.parametrize("change", ["nan", "zero", "scaled"])
def test_damaged_vectors_are_rejected(tmp_path: Path, change: str) -> None:
    built, _ = ensure_index(settings_for(tmp_path), HashingEmbedder())
    rewrite_vectors(built, change)
    assert isinstance(built.path, Path)
    with pytest.raises(IndexMismatchError, match="vectơ hỏng"):
        load_index(built.path, {})


def test_force_reembeds_and_never_reuses_damaged_vectors(tmp_path: Path) -> None:
    """Finding 4: `index build --force` reused the damaged vectors by text hash."""
    settings = settings_for(tmp_path)
    built, _ = ensure_index(settings, HashingEmbedder())
    rewrite_vectors(built, "nan")
    embedder = CountingEmbedder()
    rebuilt, _ = ensure_index(settings, embedder, force=True)
    assert embedder.embedded == len(rebuilt.chunks) and rebuilt.manifest.reused_vectors == 0
    matrix = rebuilt.vectors.reconstruct_n(0, rebuilt.vectors.ntotal)
    assert np.isfinite(matrix).all()
    again = CountingEmbedder()
    ensure_index(settings, again, force=True)  # a healthy index is re-embedded too
    assert again.embedded == len(rebuilt.chunks)


def test_a_damaged_index_is_not_a_source_of_reused_vectors(tmp_path: Path) -> None:
    settings = settings_for(tmp_path)
    built, _ = ensure_index(settings, HashingEmbedder())
    rewrite_vectors(built, "zero")
    embedder = CountingEmbedder()
    ensure_index(settings, embedder)  # not forced: the damage alone makes it re-embed
    assert embedder.embedded == len(built.chunks)


def test_a_second_build_waits_then_gives_up_with_a_message(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Finding 6: two builds at once were not serialised."""
    monkeypatch.setattr("assistant.search.index.LOCK_TIMEOUT", 0.5)
    settings = settings_for(tmp_path)
    root = settings.index_dir / "default"
    with build_lock(root, timeout=0), pytest.raises(IndexBusyError, match="đang chạy"):
        ensure_index(settings, HashingEmbedder())
    built, _ = ensure_index(settings, HashingEmbedder())
    messages: list[str] = []
    with build_lock(root, timeout=0):  # an old index exists: it keeps serving, with a warning
        served, _ = ensure_index(settings, HashingEmbedder(), force=True, notify=messages.append)
    assert served.chunks == built.chunks
    assert any("đang dùng chỉ mục cũ" in m for m in messages)


def test_a_crash_before_the_switch_keeps_the_live_index(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Finding 6: a kill between the two renames removed index/default."""
    settings = settings_for(tmp_path)
    built, _ = ensure_index(settings, HashingEmbedder())
    root = settings.index_dir / "default"
    real_replace = os.replace

    def crash_at_switch(src: object, dst: object) -> None:
        if str(dst).endswith(embedded.POINTER):
            raise KeyboardInterrupt  # the process dies here
        real_replace(src, dst)  # type: ignore[arg-type]

    monkeypatch.setattr(embedded.os, "replace", crash_at_switch)
    with pytest.raises(KeyboardInterrupt):
        ensure_index(settings, HashingEmbedder(), force=True)
    monkeypatch.undo()
    assert load_index(root, {}).chunks == built.chunks  # the old one is still live
    orphans = [p for p in root.iterdir() if p.name.startswith("g-") and p != built.path]
    assert orphans  # the finished but never switched generation
    (root / ".build-leftover").mkdir()  # and a build folder of a killed build
    rebuilt, _ = ensure_index(settings, HashingEmbedder(), force=True)
    names = sorted(p.name for p in root.iterdir())
    assert ".build-leftover" not in names and not any(p.name in names for p in orphans)
    assert set(names) <= {"CURRENT", "LOCK", rebuilt.path.name, built.path.name}  # type: ignore[union-attr]


@pytest.mark.parametrize(
    ("code", "said"),
    [(errno.ENOSPC, "ổ đĩa đã đầy"), (errno.EROFS, "chỉ đọc"), (errno.EACCES, "chỉ đọc")],
)
def test_disk_full_or_read_only_keeps_the_old_index_serving(
    tmp_path: Path, corpus_copy: Path, monkeypatch: pytest.MonkeyPatch, code: int, said: str
) -> None:
    """Finding 5: a read-only folder or a full disk gave tracebacks; a stale index that
    could not be rebuilt answered nothing."""
    settings = settings_for(tmp_path, corpus_copy)
    built, _ = ensure_index(settings, HashingEmbedder())
    (corpus_copy / "001_10111d2bd8fff1df.txt").write_text(
        (corpus_copy / "001_10111d2bd8fff1df.txt").read_text("utf-8") + "\nThêm một dòng.\n",
        "utf-8",
    )

    def fail(*args: object, **kwargs: object) -> None:
        raise OSError(code, os.strerror(code))

    monkeypatch.setattr(embedded.faiss, "write_index", fail)
    messages: list[str] = []
    served, _ = ensure_index(settings, HashingEmbedder(), notify=messages.append)
    assert served.chunks == built.chunks
    assert any(said in m and "chỉ mục cũ" in m for m in messages), messages
    root = settings.index_dir / "default"
    assert not [p for p in root.iterdir() if p.name.startswith(".build-")]
    # without an old index there is nothing to serve: a message, not a traceback
    other = settings.model_copy(update={"index_dir": tmp_path / "empty"})
    with pytest.raises(IndexWriteError, match=said):
        ensure_index(other, HashingEmbedder())


def test_cli_build_on_a_full_disk_is_a_message(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("ASSISTANT_EMBEDDING_MODEL", "hashing")
    monkeypatch.setenv("ASSISTANT_CORPUS_DIR", str(CORPUS_DIR))

    def full(*args: object, **kwargs: object) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(embedded.faiss, "write_index", full)
    result = CliRunner().invoke(app, ["index", "build"])
    assert result.exit_code == 1
    said = " ".join(result.output.split())  # rich wraps long lines
    assert "ổ đĩa đã đầy" in said and "Traceback" not in said


def test_an_index_from_before_generations_is_replaced_cleanly(tmp_path: Path) -> None:
    """Files of the old layout (index/default/manifest.json …) load as a stale index and
    are removed after the first new build switches."""
    settings = settings_for(tmp_path)
    root = settings.index_dir / "default"
    root.mkdir(parents=True)
    (root / "manifest.json").write_text('{"format": 1}', encoding="utf-8")
    (root / "vectors.faiss").write_bytes(b"old")
    built, _ = ensure_index(settings, HashingEmbedder())
    assert sorted(p.name for p in root.iterdir()) == sorted(["CURRENT", "LOCK", built.path.name])  # type: ignore[union-attr]


def test_an_index_from_before_the_tokenizer_was_recorded_is_rebuilt(tmp_path: Path) -> None:
    """A manifest without a tokenizer (terms made by underthesea's segmenter) is stale: the
    index is rebuilt with today's terms, and its vectors are reused, not re-embedded."""
    settings = settings_for(tmp_path)
    built, _ = ensure_index(settings, HashingEmbedder())
    assert isinstance(built.path, Path)
    path = built.path / "manifest.json"
    old = json.loads(path.read_text(encoding="utf-8"))
    del old["tokenizer"]
    path.write_text(json.dumps(old), encoding="utf-8")
    reseal(built.path)
    with pytest.raises(IndexMismatchError, match="tokenizer"):
        load_index(settings.index_dir / "default", expected_manifest("hashing-256", CORPUS_DIR))
    embedder = CountingEmbedder()
    messages: list[str] = []
    rebuilt, _ = ensure_index(settings, embedder, notify=messages.append)
    assert any("tokenizer" in m for m in messages) and embedder.embedded == 0
    assert rebuilt.manifest.tokenizer == tokenizer_id()
