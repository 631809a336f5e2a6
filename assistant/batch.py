"""Questions in bulk: ``assistant ask --jsonl`` input read safely, output as strict JSON.

The input is read as bytes, one bounded line at a time, so a file in another encoding,
a byte that is not UTF-8 or a line of 39 million characters costs one error line, never
the batch or the machine's memory. The encoding is decided once from the first bytes: a
UTF-8 BOM is dropped, a UTF-16 file (with a BOM, or ASCII between NUL bytes) is read as
UTF-16; every other file is UTF-8, and a line that is not is reported, not guessed at
(Latin-1, cp1252, cp1258 and TCVN3 read the same bytes as different letters).

No message echoes more than ``EXCERPT_CHARS`` characters of what it was given.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import IO, Any

from assistant.errors import AssistantError

MAX_LINE_BYTES = 64 * 1024  # a question is at most 1,000 characters; its JSON line far less
EXCERPT_CHARS = 200
_READ_SIZE = 64 * 1024
_HEAD_BYTES = 512  # what is kept of an over-long line, to find its id

_SURROGATE = re.compile("[\ud800-\udfff]")
_ID_IN_HEAD = re.compile(r'"id"\s*:\s*(-?\d{1,18}(?![\d.eE])|"[^"\\]{0,200}")')


@dataclass(frozen=True)
class BatchLine:
    """One non-empty input line: a question to answer, or the error that replaces its answer."""

    number: int  # 1-based line number in the file
    id: Any  # the line's "id" (JSON scalar), or its line number when it has none
    question: str | None
    error: str | None = None


class _NonFinite:
    """NaN, Infinity or a float too large for a double, as written in the input."""

    def __init__(self, written: str) -> None:
        self.written = written


def excerpt(text: str, limit: int = EXCERPT_CHARS) -> str:
    """At most ``limit`` characters of ``text``, on one line, lone surrogates shown as escapes."""
    one_line = " ".join(text.split())
    shown = one_line if len(one_line) <= limit else one_line[: limit - 1] + "…"
    return _SURROGATE.sub(lambda m: f"\\u{ord(m.group()):04x}", shown)


def dumps_strict(data: Any) -> str:
    """One line of standard JSON: no NaN or Infinity, nothing a UTF-8 terminal cannot print."""
    line = json.dumps(data, ensure_ascii=False, allow_nan=False)
    if _SURROGATE.search(line):
        line = json.dumps(data, ensure_ascii=True, allow_nan=False)
    return line


def check_argument(text: str, what: str = "Câu hỏi") -> str:
    """A command-line argument as typed, or ``AssistantError`` when its bytes are not UTF-8.

    Python hands undecodable argument bytes over as lone surrogates ("\\udcff"); printing
    them would fail later with a traceback.
    """
    found = _SURROGATE.search(text)
    if found is None:
        return text
    code = ord(found.group())
    shown = f"byte 0x{code - 0xDC00:02X}" if 0xDC80 <= code <= 0xDCFF else f"U+{code:04X}"
    raise AssistantError(
        f"{what} có {shown} ở vị trí {found.start() + 1}, không phải chữ UTF-8. "
        "Hãy gõ lại, hoặc đặt bảng mã của cửa sổ dòng lệnh là UTF-8 (invalid UTF-8 input)."
    )


def read_batch(stream: IO[bytes], *, max_line_bytes: int = MAX_LINE_BYTES) -> Iterator[BatchLine]:
    """Every non-empty line of ``stream`` as a question or an error, in order; never raises
    for what a line holds."""
    head = stream.read(4)
    encoding, newline, skip = _encoding(head)
    first = head[skip:]
    for number, (raw, overflow) in enumerate(
        _split_lines(stream, first, newline, max_line_bytes), start=1
    ):
        if overflow:
            yield _too_long(number, raw, max_line_bytes)
            continue
        try:
            text = raw.decode(encoding)
        except UnicodeDecodeError as exc:
            yield _undecodable(number, raw, exc, encoding)
            continue
        text = text.removeprefix("\ufeff").removesuffix("\r")
        if text.strip():
            yield parse_line(number, text)


def parse_line(number: int, text: str) -> BatchLine:
    """One decoded line → a question with its id, or an error naming what is wrong."""
    try:
        item = json.loads(text, parse_constant=_NonFinite, parse_float=_float)
    except (ValueError, RecursionError) as exc:
        reason = (
            f"{exc.msg} ở cột {exc.colno}"
            if isinstance(exc, json.JSONDecodeError)
            else type(exc).__name__
        )
        return BatchLine(
            number,
            number,
            None,
            f"Dòng {number}: không phải JSON hợp lệ ({reason}): “{excerpt(text, 80)}”",
        )
    if not isinstance(item, dict):
        return BatchLine(number, number, None, f'Dòng {number}: cần {{"id": …, "question": "…"}}')
    item_id, id_error = _item_id(item.get("id", number), number)
    if id_error:
        return BatchLine(number, item_id, None, id_error)
    question = item.get("question")
    if not isinstance(question, str):
        return BatchLine(number, item_id, None, f'Dòng {number}: thiếu "question" là một chuỗi chữ')
    if found := _SURROGATE.search(question):
        return BatchLine(
            number,
            item_id,
            None,
            f"Dòng {number}: câu hỏi có ký tự hỏng (\\u{ord(found.group()):04x}) "
            f"ở vị trí {found.start() + 1}; hãy sửa rồi chạy lại dòng này.",
        )
    return BatchLine(number, item_id, question)


def _item_id(value: Any, number: int) -> tuple[Any, str | None]:
    if isinstance(value, _NonFinite):
        return value.written, None  # NaN is not JSON; the id comes back as the string "NaN"
    if value is None or isinstance(value, bool | int | float):
        return value, None
    if isinstance(value, str):
        if len(value) > EXCERPT_CHARS or _SURROGATE.search(value):
            return excerpt(
                value
            ), f"Dòng {number}: id dài quá {EXCERPT_CHARS} ký tự hoặc có ký tự hỏng"
        return value, None
    return number, f"Dòng {number}: id phải là chuỗi hoặc số"


def _float(written: str) -> float | _NonFinite:
    value = float(written)
    return value if math.isfinite(value) else _NonFinite(written)


def _encoding(head: bytes) -> tuple[str, bytes, int]:
    """(codec, the newline in that codec, BOM bytes to skip) from the first bytes."""
    if head.startswith(b"\xef\xbb\xbf"):
        return "utf-8", b"\n", 3
    if head.startswith(b"\xff\xfe") and not head.startswith(b"\xff\xfe\x00\x00"):
        return "utf-16-le", b"\n\x00", 2
    if head.startswith(b"\xfe\xff"):
        return "utf-16-be", b"\x00\n", 2
    if len(head) >= 4 and head[1] == 0 and head[3] == 0 and head[0] and head[2]:
        return "utf-16-le", b"\n\x00", 0
    if len(head) >= 4 and head[0] == 0 and head[2] == 0 and head[1] and head[3]:
        return "utf-16-be", b"\x00\n", 0
    return "utf-8", b"\n", 0


def _split_lines(
    stream: IO[bytes], first: bytes, newline: bytes, limit: int
) -> Iterator[tuple[bytes, bool]]:
    """(line, too long) pairs; a too-long line keeps only its first bytes, so memory stays
    bounded by ``limit`` plus one read."""
    unit = len(newline)
    pending = bytearray(first)
    head = b""  # the start of an over-long line, kept for its id
    overflow = False
    done = False
    while not done:
        chunk = stream.read(_READ_SIZE)
        done = not chunk
        pending += chunk
        pos = 0
        while (end := _find_aligned(pending, newline, pos, unit)) >= 0:
            line = bytes(pending[pos:end])
            if overflow or len(line) > limit:
                yield (head or line[:_HEAD_BYTES]), True
            else:
                yield line, False
            overflow, head, pos = False, b"", end + unit
        del pending[:pos]
        if len(pending) > limit:
            if not overflow:
                head = bytes(pending[:_HEAD_BYTES])
            overflow = True
            del pending[: len(pending) - len(pending) % unit]  # keep the code-unit alignment
    if overflow:
        yield head, True
    elif pending:
        yield bytes(pending), False


def _find_aligned(data: bytearray, newline: bytes, start: int, unit: int) -> int:
    found = data.find(newline, start)
    while found >= 0 and (found - start) % unit:
        found = data.find(newline, found + 1)
    return found


def _recovered_id(raw: bytes, number: int) -> Any:
    """The line's id when its start shows one plainly (digits or a short string), else its number."""
    found = _ID_IN_HEAD.search(raw[:_HEAD_BYTES].decode("latin-1"))
    if found is None:
        return number
    value = found.group(1)
    if value.startswith('"'):
        try:
            value.encode("ascii")
        except UnicodeEncodeError:
            return number  # not ASCII: its letters depend on the unknown encoding
        return value[1:-1]
    return int(value)


def _too_long(number: int, head: bytes, limit: int) -> BatchLine:
    return BatchLine(
        number,
        _recovered_id(head, number),
        None,
        f"Dòng {number}: dòng quá dài (hơn {limit // 1024} KB), không được đọc; "
        "mỗi dòng chỉ chứa một câu hỏi ngắn.",
    )


def _undecodable(number: int, raw: bytes, exc: UnicodeDecodeError, encoding: str) -> BatchLine:
    shown = "UTF-8" if encoding == "utf-8" else "UTF-16"
    bad = raw[exc.start : exc.start + 1].hex().upper()
    return BatchLine(
        number,
        _recovered_id(raw, number),
        None,
        f"Dòng {number}: không đọc được dạng {shown} (byte 0x{bad} ở vị trí {exc.start + 1}); "
        "hãy lưu tệp ở dạng UTF-8 rồi chạy lại dòng này.",
    )
