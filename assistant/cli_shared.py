"""What the command-line tools share: the consoles, the common options, reading the
corpus folder, JSON out and a failure as a Vietnamese message with exit code 1."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.markup import escape

from assistant.documents.corpus import Corpus, load_corpus
from assistant.errors import AssistantError
from assistant.settings import Settings

console = Console()
# Progress and notices go to stderr, so that --json and --jsonl output stays machine-readable.
err_console = Console(stderr=True)
CorpusOpt = Annotated[
    Path | None, typer.Option("--corpus", help="Thư mục văn bản (mặc định: corpus/).")
]
JsonOpt = Annotated[
    bool, typer.Option("--json", help="In JSON (giao diện ổn định cho công cụ khác).")
]


def load_folder(corpus_dir: Path | None) -> Corpus:
    settings = Settings()
    folder = corpus_dir or settings.corpus_dir
    if not folder.is_dir():
        raise AssistantError(f"Không tìm thấy thư mục văn bản: {folder} (corpus folder not found)")
    return load_corpus(
        folder, max_bytes=settings.max_file_bytes, allowed_dirs=settings.allowed_dirs
    )


def print_json(data: Any) -> None:
    try:
        typer.echo(json.dumps(data, ensure_ascii=False, indent=2, allow_nan=False))
    except ValueError:  # NaN or Infinity is not JSON; a tool reading this would choke
        fail("Kết quả có giá trị số không hợp lệ (NaN); hãy xây dựng lại chỉ mục.")


def fail(message: str) -> None:
    console.print(f"[red]Lỗi:[/red] {escape(message)}")
    raise typer.Exit(code=1)
