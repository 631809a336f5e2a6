"""The real material in ../shared (read, never copied): a test that needs it fails in CI
(CI=true, where ../shared is laid beside the checkout) and skips on a desk without it."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

SHARED = Path(__file__).resolve().parents[2] / "shared"
IN_CI = os.environ.get("CI", "").lower() not in ("", "0", "false")


def require(ok: bool, message: str) -> None:
    """Fail in CI, skip elsewhere, when ``ok`` is false."""
    if not ok:
        if IN_CI:
            pytest.fail(f"{message} (CI must run with it)")
        pytest.skip(message)


def shared(*parts: str) -> Path:
    """``../shared/<parts>``, which must exist."""
    path = SHARED.joinpath(*parts)
    require(path.exists(), f"{path} is not beside the checkout")
    return path
