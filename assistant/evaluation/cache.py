"""A JSON cache of the rows a fitting script collects (``eval/fit_abstention.py``,
``eval/fit_fusion.py``): collecting answers every gold question on the real model, fitting
is seconds; ``--rows FILE`` keeps the rows between fits."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

Rows = list[dict[str, Any]]


def cached_rows(path: str | None, collect: Callable[[], Rows]) -> Rows:
    """The rows in ``path`` when it exists; else ``collect()``, written to ``path`` if given."""
    cache = Path(path) if path else None
    if cache and cache.is_file():
        rows: Rows = json.loads(cache.read_text(encoding="utf-8"))
        return rows
    rows = collect()
    if cache:
        cache.write_text(json.dumps(rows, ensure_ascii=False), encoding="utf-8")
    return rows
