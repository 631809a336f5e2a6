"""Chunks on disk (``stores/chunk_table.py``): a read-only sequence over SQLite that is
equal to the chunks written, in order, by position, by id and by slice."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from assistant.documents.corpus import load_corpus
from assistant.search.stores.chunk_table import ChunkTable, write_chunk_table
from assistant.types import Chunk
from tests.conftest import CORPUS_DIR


@pytest.fixture(scope="module")
def chunks() -> tuple[Chunk, ...]:
    return load_corpus(CORPUS_DIR).chunks


@pytest.fixture
def table(tmp_path: Path, chunks: tuple[Chunk, ...]) -> ChunkTable:
    path = tmp_path / "chunks.sqlite"
    assert write_chunk_table(path, ((c, f"key-{i}") for i, c in enumerate(chunks))) == len(chunks)
    return ChunkTable(path, cache=8)  # a small cache, so reads go to the file


def test_the_table_is_the_chunks_written(table: ChunkTable, chunks: tuple[Chunk, ...]) -> None:
    assert len(table) == len(chunks)
    assert table == chunks and chunks == table and list(table) == list(chunks)
    assert table[0] == chunks[0] and table[-1] == chunks[-1]
    assert table[3:9] == chunks[3:9] and table[::-40] == chunks[::-40]
    assert table.at([5, 2, 5]) == [chunks[5], chunks[2], chunks[5]]
    assert [c.metadata for c in table] == [c.metadata for c in chunks]
    with pytest.raises(IndexError):
        table[len(chunks)]


def test_lookup_by_id_and_columns(table: ChunkTable, chunks: tuple[Chunk, ...]) -> None:
    assert table.position(chunks[7].id) == 7 and table.position("no-such-id") is None
    assert chunks[7] in table and dataclasses.replace(chunks[7], id="other") not in table
    by_id = table.by_id
    assert by_id[chunks[11].id] == chunks[11] and chunks[11].id in by_id
    assert by_id.get("no-such-id") is None and len(by_id) == len(chunks)
    assert list(by_id) == [c.id for c in chunks]
    assert list(table.column("key")) == [f"key-{i}" for i in range(len(chunks))]
    assert table.ids_at([9, 1]) == [chunks[9].id, chunks[1].id]
    doc_id = chunks[40].doc_id
    assert table.of_document(doc_id) == [c for c in chunks if c.doc_id == doc_id]
    assert table.of_document("no-such-document") == []


def test_reads_without_a_pass_over_a_document(table: ChunkTable, chunks: tuple[Chunk, ...]) -> None:
    """What answering asks of a large index: a document's ids, the clause holding an offset,
    a batch of chunks by id — the same as a scan of the chunks would give."""
    doc_id = chunks[40].doc_id
    assert table.ids_of_document(doc_id) == [c.id for c in chunks if c.doc_id == doc_id]
    inside = chunks[40].start + (chunks[40].end - chunks[40].start) // 2
    scanned = next(c for c in chunks if c.doc_id == doc_id and c.start <= inside < c.end)
    assert table.containing(doc_id, inside) == scanned
    assert table.containing(doc_id, 10**9) is None
    assert table.with_ids([chunks[9].id, "no-such-id", chunks[2].id]) == [chunks[9], chunks[2]]


def test_a_changed_chunk_is_not_equal(table: ChunkTable, chunks: tuple[Chunk, ...]) -> None:
    changed = list(chunks)
    changed[4] = dataclasses.replace(chunks[4], clean_text="khác")
    assert table != changed and table != chunks[:-1]
