"""BM25 scores read from the bm25s arrays on disk, a query's terms at a time.

bm25s keeps one precomputed score per (term, chunk) in three arrays (CSC: ``indptr`` per
term, ``indices`` of chunks, ``data`` of scores). Held in memory, or memory-mapped and
touched by queries, they grow the process by ~2.5 KB per chunk at 100,000 chunks. Here
only ``indptr`` is held; each query reads its terms' postings with ``pread`` (the kernel's
page cache keeps hot ones, outside the process), and sums them exactly as bm25s does.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path

import numpy as np
from numpy.lib import format as npy


class _OnDisk:
    """One 1-D ``.npy`` array, read by slices."""

    def __init__(self, path: Path) -> None:
        self._file = path.open("rb", buffering=0)  # closed with this object
        version = npy.read_magic(self._file)
        header = npy.read_array_header_1_0 if version == (1, 0) else npy.read_array_header_2_0
        shape, fortran, dtype = header(self._file)
        self._offset = self._file.tell()
        if len(shape) != 1 or fortran or dtype.hasobject:
            raise ValueError(f"{path.name}: not a plain 1-D array")
        self.dtype = dtype
        self.size = int(shape[0])

    def read(self, start: int, end: int) -> np.ndarray:
        if not 0 <= start <= end <= self.size:
            raise ValueError("posting slice out of range")
        width = self.dtype.itemsize
        raw = os.pread(self._file.fileno(), (end - start) * width, self._offset + start * width)
        if len(raw) != (end - start) * width:
            raise ValueError("short read: truncated postings")
        return np.frombuffer(raw, dtype=self.dtype)

    def close(self) -> None:
        self._file.close()


class PostingsReader:
    """``scores(token_ids)`` as ``bm25s.BM25.get_scores_from_ids`` computes it (method
    "lucene": no non-occurrence term), reading only the postings of those terms."""

    def __init__(self, folder: Path, num_docs: int, dtype: str = "float32") -> None:
        self.num_docs = num_docs
        self.dtype = np.dtype(dtype)
        self.indptr = np.load(folder / "indptr.csc.index.npy")
        self._data = _OnDisk(folder / "data.csc.index.npy")
        self._indices = _OnDisk(folder / "indices.csc.index.npy")
        total = int(self.indptr[-1]) if len(self.indptr) else 0
        if self._data.size != total or self._indices.size != total:
            raise ValueError("BM25 arrays disagree in length")

    def scores(self, token_ids: Sequence[int]) -> np.ndarray:
        out = np.zeros(self.num_docs, dtype=self.dtype)
        for token in token_ids:
            start, end = int(self.indptr[token]), int(self.indptr[token + 1])
            if end > start:
                np.add.at(out, self._indices.read(start, end), self._data.read(start, end))
        return out

    def close(self) -> None:
        self._data.close()
        self._indices.close()
